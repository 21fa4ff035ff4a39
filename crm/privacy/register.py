"""The register of processing activities (law 09-08): what personal data the foundation
processes, why, on which legal basis, for whom, how long, and how it is protected."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Activity:
    key: str
    name: object
    purpose: object
    legal_basis: object
    people: object
    data: object
    recipients: object
    retention: object
    safeguards: object


STAFF_ONLY = _l("The foundation's program officers, managers and administrators; no one "
                "outside the foundation.")
ACCESS_RULES = _l("Accounts with roles; officers change only their portfolio; every change is "
                  "kept in the audit log; anonymization on request.")

ACTIVITIES = [
    Activity(
        "program-follow-up",
        _l("Program follow-up of innovators"),
        _l("Support social innovators and their organizations through the pipeline: contacts, "
           "follow-ups, meetings, stage of their projects."),
        _l("Consent of the person (purpose: follow-up and support); legitimate interest of the "
           "foundation in running its program."),
        _l("Innovators, members and staff of supported organizations, experts."),
        _l("Names (Latin and Arabic), email, phone, gender, city and region, organizations and "
           "roles, internal notes, follow-ups and interactions."),
        STAFF_ONLY,
        _l("For the duration of the support, then five years after the last contact; then "
           "anonymized."),
        ACCESS_RULES,
    ),
    Activity(
        "forum-registrations",
        _l("Forum registrations and attendee imports"),
        _l("Organize the yearly forum, know who attended which session, and offer a follow-up "
           "to attendees."),
        _l("Consent given at registration (source: forum registration); contract for speakers "
           "and moderators."),
        _l("Forum participants, speakers, moderators and organizers."),
        _l("Names, email, phone, organization, session attended and role; the attendee file as "
           "received from the registration tool."),
        _l("The foundation's staff; the registration tool's provider as processor."),
        _l("The attendee files and their lines: two years after the forum. Participations: as "
           "long as the person's record."),
        _l("Files stored in the database, never on shared drives; imported by officers only; "
           "the lines of an anonymized person are blanked."),
    ),
    Activity(
        "funding-applications",
        _l("Funding applications"),
        _l("Prepare and follow the funding that supported projects seek: grants, loans, impact "
           "investment, crowdfunding."),
        _l("Consent of the person (purpose: sharing with funders and partners); legitimate "
           "interest."),
        _l("Innovators whose projects apply; contacts at funders."),
        _l("Project and organization, amounts requested and obtained, status, funder contacts' "
           "names and roles."),
        _l("The foundation's staff; the funder concerned, only with the person's consent to "
           "sharing."),
        _l("Ten years (accounting and grant reporting obligations)."),
        ACCESS_RULES,
    ),
    Activity(
        "impact-reporting",
        _l("Impact reporting"),
        _l("Measure the jobs created, beneficiaries reached and other results of supported "
           "projects, and report them to partners as totals."),
        _l("Legitimate interest of the foundation and contract with the supported "
           "organizations."),
        _l("Innovators who report figures; staff who verify them."),
        _l("Figures per project and period, who reported and verified them, impact notes."),
        _l("The foundation's staff; partners and the public receive only totals, never "
           "personal data."),
        _l("As long as the project is followed, then kept as anonymous totals."),
        _l("Reports aggregate in the database; gender is optional and used only for totals."),
    ),
    Activity(
        "portal-accounts",
        _l("Portal accounts"),
        _l("Let innovators update their profile, organization and project and report impact "
           "themselves, and see and export the data held about them."),
        _l("Consent (the person accepts the invitation) and contract."),
        _l("Innovators invited by their program officer."),
        _l("Email, hashed password, language, dates of creation and last login, invitations "
           "sent."),
        STAFF_ONLY,
        _l("Until the person asks to close the account, or one year after the end of the "
           "support."),
        _l("Invitation links are signed and expire; passwords are hashed; sessions end on "
           "logout and password change; innovators see only their own records."),
    ),
    Activity(
        "reminder-emails",
        _l("Reminder emails"),
        _l("Remind the foundation's staff of the follow-ups they owe."),
        _l("Legitimate interest (organization of the staff's work)."),
        _l("The foundation's staff; the people named in the follow-ups."),
        _l("The staff member's email; titles and due dates of follow-ups, which may name a "
           "person."),
        _l("The staff member; the email provider as processor."),
        _l("Emails are not kept by the application once sent."),
        _l("Sent only to active staff accounts; no internal notes in the emails."),
    ),
    Activity(
        "audit-log",
        _l("Audit log"),
        _l("Know who changed what and when, to answer for the data and detect misuse."),
        _l("Legal obligation (security of processing) and legitimate interest."),
        _l("The foundation's staff and innovators who change records; the people whose records "
           "change."),
        _l("Who, when, from which address, which record and the values changed."),
        _l("Administrators, and the staff on the pages of the records they read."),
        _l("As long as the record concerned; the values are blanked when a person is "
           "anonymized (who, when and what kind of change are kept)."),
        _l("Written by the application only, never edited by hand."),
    ),
]


def activities() -> list[Activity]:
    return ACTIVITIES
