"""Emails returned undelivered: the delivery status report a mail server sends back marks the
recipient it names, and nothing else."""

import io

from crm.auth.models import Role
from crm.extensions import db
from crm.mailings.models import DeliveryStatus, Mailing, Recipient
from tests.mailings.conftest import draft

REPORT = """\
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: crm@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
Arrival-Date: Sat,  5 Dec 2026 10:00:00 +0000

Final-Recipient: rfc822; {address}
Original-Recipient: rfc822;{address}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{address}>: Recipient address rejected: User unknown

--B1
Content-Type: text/rfc822-headers

From: crm@localhost
To: Someone <{address}>
Subject: Invitation
Message-ID:
 {message_id}

--B1--
"""


def _sent(client, forum_list, smtp_server):
    mailing = draft(client, forum_list["query"])
    client.post(f"/mailings/{mailing.id}/send")
    return mailing, {r.email: r for r in db.session.scalars(db.select(Recipient))}


def test_a_report_marks_the_recipient_it_names_as_returned(runner, client, login_as,
                                                           forum_list, smtp_server):
    login_as(Role.OFFICER)
    mailing, recipients = _sent(client, forum_list, smtp_server)
    amina = recipients["amina@example.org"]
    report = REPORT.format(address="amina@example.org", message_id=amina.message_id)
    result = runner.invoke(args=["crm", "read-bounces", "-"], input=report)
    assert "1 recipients marked returned undelivered" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(Recipient, amina.id).status == DeliveryStatus.BOUNCED
    assert "User unknown" in db.session.get(Recipient, amina.id).error
    assert db.session.get(Recipient, recipients["karim@example.org"].id).status == (
        DeliveryStatus.SENT)
    mailing = db.session.get(Mailing, mailing.id)
    assert (mailing.sent, mailing.failed) == (1, 1)
    page = client.get(f"/mailings/{mailing.id}").text
    assert "1 sent and 1 failed of 2 emails" in page and "User unknown" in page
    again = client.post(f"/mailings/{mailing.id}/send-again", follow_redirects=True)
    assert "No email of this mailing failed." in again.text  # a dead address is not retried


def test_a_report_about_another_email_or_address_changes_nothing(runner, tmp_path, client,
                                                                 login_as, forum_list,
                                                                 smtp_server):
    login_as(Role.OFFICER)
    _mailing, recipients = _sent(client, forum_list, smtp_server)
    karim = recipients["karim@example.org"]
    mbox = tmp_path / "bounces.mbox"
    mbox.write_text(
        "From MAILER-DAEMON Sat Dec  5 10:00:00 2026\n"
        + REPORT.format(address="stranger@example.org", message_id=karim.message_id)
        + "\nFrom MAILER-DAEMON Sat Dec  5 10:01:00 2026\n"
        + REPORT.format(address="karim@example.org", message_id="<not-ours@example.org>")
        + "\nFrom someone Sat Dec  5 10:02:00 2026\nSubject: hello\n\nnot a report\n")
    result = runner.invoke(args=["crm", "read-bounces", str(mbox)])
    assert "0 recipients marked returned undelivered (2 failures reported)" in result.output
    db.session.expire_all()
    assert db.session.get(Recipient, karim.id).status == DeliveryStatus.SENT


def test_reading_a_plain_email_finds_nothing(app):
    from crm.mailings import bounces

    with app.app_context():
        reports = bounces.read_reports("-", io.BytesIO(b"Subject: hi\n\nhello\n"))
    assert [bounces.bounces_in(r) for r in reports] == [[]]
