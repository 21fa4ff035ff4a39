"""Full names split with knowledge of compound first names and surname particles."""

import pytest

from crm.imports.names import split_full_name


@pytest.mark.parametrize("full, first, last", [
    ("Fatima Zahra Tazi", "Fatima Zahra", "Tazi"),
    ("Abdel Ilah Nassiri", "Abdel Ilah", "Nassiri"),
    ("Abd El Kader Saidi", "Abd El Kader", "Saidi"),
    ("Mohamed Amine Alaoui", "Mohamed Amine", "Alaoui"),
    ("Lalla Salma Bennis", "Lalla Salma", "Bennis"),
    ("Moulay Hassan Alaoui", "Moulay Hassan", "Alaoui"),
    ("Nour El Houda Zeroual", "Nour El Houda", "Zeroual"),
    ("Fatima Zahra El Idrissi", "Fatima Zahra", "El Idrissi"),
    ("Youssef El Amrani", "Youssef", "El Amrani"),
    ("Karim Ben Moussa", "Karim", "Ben Moussa"),
    ("Mohamed El Amrani", "Mohamed", "El Amrani"),
    ("Nour El Amrani", "Nour", "El Amrani"),
    ("Hamid Ait Taleb", "Hamid", "Ait Taleb"),
    ("TAZI Fatima Zahra", "Fatima Zahra", "TAZI"),
    ("Tazi, Fatima Zahra", "Fatima Zahra", "Tazi"),
    ("Nadia Amrani", "Nadia", "Amrani"),
    ("Fatima Tazi", "Fatima", "Tazi"),
    ("Fatima Ezzahra Benali", "Fatima Ezzahra", "Benali"),
    ("Abd al-Aziz Tahiri", "Abd al-Aziz", "Tahiri"),
    ("Abdel Aziz El Fassi", "Abdel Aziz", "El Fassi"),
    ("Mohammed Reda Bennani", "Mohammed Reda", "Bennani"),
    ("Mohamed Ali Kettani", "Mohamed Ali", "Kettani"),
    ("Nour Eddine Lahlou", "Nour Eddine", "Lahlou"),
    ("Sidi Mohamed Ben Ali", "Sidi Mohamed", "Ben Ali"),
    ("Said Ouazzani", "Said", "Ouazzani"),
    ("Youssef Ibn Rochd", "Youssef", "Ibn Rochd"),
    ("Hamid Aït Taleb", "Hamid", "Aït Taleb"),
    ("Brahim Ou Hammou", "Brahim", "Ou Hammou"),
    ("Ahmed Ould Sidi", "Ahmed", "Ould Sidi"),
    ("Karim Bel Haj", "Karim", "Bel Haj"),
    ("Hassan Bou Ziane", "Hassan", "Bou Ziane"),
    ("Ali Abou Bakr", "Ali", "Abou Bakr"),
    ("EL AMRANI Youssef", "Youssef", "EL AMRANI"),
    ("Madonna", "Madonna", ""),
    ("  ", "", ""),
])
def test_a_full_name_is_split_where_the_surname_begins(full, first, last):
    assert split_full_name(full) == (first, last)
