"""Word lists of the synthetic dataset: Moroccan names in both scripts, cities of the 12
regions, organization and project names, follow-up titles and outcomes."""

from crm.common.reference import Region
from crm.demo.forum import WORKSHOPS
from crm.demo.portfolio import FIRST_NAMES, LAST_NAMES, PROJECT_NAMES
from crm.organizations.models import OrganizationKind
from crm.people.models import Gender

W, M = Gender.WOMAN, Gender.MAN
FIRST = FIRST_NAMES + [
    ("Abdelaziz", "عبد العزيز", M), ("Aicha", "عائشة", W), ("Brahim", "إبراهيم", M),
    ("Btissam", "ابتسام", W), ("Driss", "إدريس", M), ("Ghizlane", "غزلان", W),
    ("Hassan", "حسن", M), ("Imane", "إيمان", W), ("Jamal", "جمال", M), ("Kawtar", "كوثر", W),
    ("Lahcen", "لحسن", M), ("Loubna", "لبنى", W), ("Mustapha", "مصطفى", M),
    ("Naima", "نعيمة", W), ("Noureddine", "نور الدين", M), ("Oumaima", "أميمة", W),
    ("Redouane", "رضوان", M), ("Sanaa", "سناء", W), ("Soufiane", "سفيان", M),
    ("Souad", "سعاد", W), ("Tarik", "طارق", M), ("Wafae", "وفاء", W), ("Yassine", "ياسين", M),
    ("Yousra", "يسرى", W), ("Zakaria", "زكرياء", M), ("Ilham", "إلهام", W),
    ("Abdellah", "عبد الله", M), ("Malika", "مليكة", W), ("Mehdi", "المهدي", M),
    ("Siham", "سهام", W), ("Anas", "أنس", M), ("Hind", "هند", W),
]
LAST = LAST_NAMES + [
    ("Benali", "بنعلي"), ("El Ouafi", "الوافي"), ("Hajji", "الحجي"), ("Moussaoui", "الموساوي"),
    ("Ait Lahcen", "آيت لحسن"), ("Ait Ouali", "آيت والي"), ("Boukhari", "البخاري"),
    ("Daoudi", "الداودي"), ("El Khattabi", "الخطابي"), ("Fikri", "فكري"),
    ("Ghazali", "الغزالي"), ("Haddad", "الحداد"), ("Jabri", "الجابري"), ("Karimi", "الكريمي"),
    ("Lamrani", "لمراني"), ("Mansouri", "المنصوري"), ("Mernissi", "المرنيسي"),
    ("Naji", "ناجي"), ("Rahmouni", "الرحموني"), ("Saidi", "السعيدي"), ("Slaoui", "السلاوي"),
    ("Tazi", "التازي"), ("Touzani", "التوزاني"), ("Yacoubi", "اليعقوبي"),
    ("Zahiri", "الزاهري"), ("Ait Brahim", "آيت إبراهيم"), ("Belkadi", "بلقاضي"),
    ("Chakir", "شاكر"), ("El Hachimi", "الهاشمي"), ("Bouazza", "بوعزة"),
    ("Azzouzi", "العزوزي"), ("Filali", "الفيلالي"), ("Guessous", "كسوس"),
    ("Hilali", "الهلالي"), ("Kabbaj", "القباج"), ("Lazrak", "الأزرق"), ("Sqalli", "الصقلي"),
]
# Reserved example domains (RFC 2606): no synthetic address can reach anyone.
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com",
                 "asso.example.org", "coop.example.net"]

R = Region
# region: (weight, [(city, Arabic name)])
CITIES = {
    R.TANGER_TETOUAN_AL_HOCEIMA: (105, [
        ("Tanger", "طنجة"), ("Tétouan", "تطوان"), ("Al Hoceïma", "الحسيمة"),
        ("Larache", "العرائش"), ("Chefchaouen", "شفشاون"), ("Ksar El Kébir", "القصر الكبير")]),
    R.ORIENTAL: (70, [
        ("Oujda", "وجدة"), ("Nador", "الناظور"), ("Berkane", "بركان"), ("Taourirt", "تاوريرت"),
        ("Guercif", "جرسيف"), ("Figuig", "فجيج")]),
    R.FES_MEKNES: (125, [
        ("Fès", "فاس"), ("Meknès", "مكناس"), ("Taza", "تازة"), ("Ifrane", "إفران"),
        ("Sefrou", "صفرو"), ("Taounate", "تاونات")]),
    R.RABAT_SALE_KENITRA: (135, [
        ("Rabat", "الرباط"), ("Salé", "سلا"), ("Kénitra", "القنيطرة"), ("Témara", "تمارة"),
        ("Khémisset", "الخميسات"), ("Sidi Kacem", "سيدي قاسم")]),
    R.BENI_MELLAL_KHENIFRA: (75, [
        ("Béni Mellal", "بني ملال"), ("Khouribga", "خريبكة"), ("Khénifra", "خنيفرة"),
        ("Azilal", "أزيلال"), ("Fquih Ben Salah", "الفقيه بن صالح")]),
    R.CASABLANCA_SETTAT: (200, [
        ("Casablanca", "الدار البيضاء"), ("Mohammédia", "المحمدية"), ("El Jadida", "الجديدة"),
        ("Settat", "سطات"), ("Berrechid", "برشيد"), ("Benslimane", "بنسليمان")]),
    R.MARRAKECH_SAFI: (130, [
        ("Marrakech", "مراكش"), ("Safi", "آسفي"), ("Essaouira", "الصويرة"),
        ("El Kelâa des Sraghna", "قلعة السراغنة"), ("Youssoufia", "اليوسفية"),
        ("Chichaoua", "شيشاوة")]),
    R.DRAA_TAFILALET: (48, [
        ("Errachidia", "الرشيدية"), ("Ouarzazate", "ورزازات"), ("Zagora", "زاكورة"),
        ("Tinghir", "تنغير"), ("Midelt", "ميدلت")]),
    R.SOUSS_MASSA: (80, [
        ("Agadir", "أكادير"), ("Inezgane", "إنزكان"), ("Taroudant", "تارودانت"),
        ("Tiznit", "تيزنيت"), ("Taliouine", "تالوين"), ("Biougra", "بيوكرى")]),
    R.GUELMIM_OUED_NOUN: (12, [
        ("Guelmim", "كلميم"), ("Tan-Tan", "طانطان"), ("Sidi Ifni", "سيدي إفني"),
        ("Assa", "آسا")]),
    R.LAAYOUNE_SAKIA_EL_HAMRA: (11, [
        ("Laâyoune", "العيون"), ("Boujdour", "بوجدور"), ("Tarfaya", "طرفاية"),
        ("Es-Semara", "السمارة")]),
    R.DAKHLA_OUED_ED_DAHAB: (4, [("Dakhla", "الداخلة"), ("Aousserd", "أوسرد")]),
}

K = OrganizationKind
# kind: (weight, French prefix, Arabic prefix)
KINDS = {
    K.ASSOCIATION: (45, "Association", "جمعية"),
    K.COOPERATIVE: (24, "Coopérative", "تعاونية"),
    K.SOCIAL_ENTERPRISE: (8, "Entreprise sociale", "المقاولة الاجتماعية"),
    K.AMICALE: (5, "Amicale", "ودادية"),
    K.MUTUAL: (4, "Mutuelle", "تعاضدية"),
    K.FOUNDATION: (4, "Fondation", "مؤسسة"),
    K.COMPANY: (4, "Société", "شركة"),
    K.PUBLIC_BODY: (2, "Commune", "جماعة"),
    K.OTHER: (4, "Collectif", "تجمع"),
}
ORGANIZATION_WORDS = [
    ("Al Amal", "الأمل"), ("Al Baraka", "البركة"), ("Tifawin", "تيفاوين"), ("Nour", "النور"),
    ("Al Wifaq", "الوفاق"), ("Annahda", "النهضة"), ("Al Khair", "الخير"), ("Assafa", "الصفاء"),
    ("Tawassol", "التواصل"), ("Atlas", "الأطلس"), ("Argan", "أركان"), ("Chourouk", "الشروق"),
    ("Al Mostakbal", "المستقبل"), ("Ibtikar", "ابتكار"), ("Tadamoun", "التضامن"),
    ("Al Fajr", "الفجر"), ("Yasmine", "الياسمين"), ("Ennakhil", "النخيل"),
    ("Zitoune", "الزيتون"), ("Al Ouahda", "الوحدة"), ("Injaz", "إنجاز"), ("Tamount", "تامونت"),
    ("Tizi", "تيزي"), ("Afak", "آفاق"), ("Manar", "المنار"), ("Rahma", "الرحمة"),
    ("Assalam", "السلام"), ("Al Ihsane", "الإحسان"), ("Imal", "إمال"), ("Tamayouz", "التميز"),
]
PURPOSES = [
    ("pour le Développement", "للتنمية"), ("des Femmes", "للنساء"), ("des Jeunes", "للشباب"),
    ("pour l'Éducation", "للتربية"), ("pour l'Environnement", "للبيئة"),
    ("des Artisans", "للصناع التقليديين"), ("pour l'Inclusion", "للإدماج"),
    ("pour la Santé", "للصحة"), ("du Numérique", "للرقمنة"), ("des Agriculteurs", "للفلاحين"),
]
PROJECTS = PROJECT_NAMES + [
    ("Couscous du terroir", "كسكس البلدية"), ("Plantes aromatiques bio", "النباتات العطرية العضوية"),
    ("Crèche communautaire", "حضانة جماعية"), ("Tourisme rural solidaire", "السياحة القروية التضامنية"),
    ("Recyclage des plastiques", "إعادة تدوير البلاستيك"), ("Fablab des jeunes", "مختبر الشباب"),
    ("Irrigation goutte à goutte", "الري بالتنقيط"), ("Soutien scolaire", "الدعم المدرسي"),
    ("Tapis de l'Atlas", "زرابي الأطلس"), ("Huile d'olive équitable", "زيت الزيتون العادل"),
    ("Transport scolaire rural", "النقل المدرسي القروي"), ("Cuisine solidaire", "المطبخ التضامني"),
    ("Formation aux métiers verts", "التكوين في المهن الخضراء"),
    ("Plateforme d'emploi local", "منصة التشغيل المحلي"), ("Poterie de Safi", "فخار آسفي"),
]
WORKSHOP_NAMES = WORKSHOPS
FORUM_CITIES = ["Casablanca", "Rabat", "Marrakech", "Agadir", "Fès", "Tanger"]

# kind value: French titles
FOLLOW_UP_TITLES = {
    "call": ["Appeler pour faire le point", "Appel de suivi après le comité",
             "Appeler la présidente au sujet du budget", "الاتصال لتتبع الملف"],
    "meeting": ["Rendez-vous de suivi trimestriel", "Réunion avec le bureau",
                "Point d'étape avec l'équipe", "اجتماع مع المكتب المسير"],
    "email": ["Envoyer le compte rendu", "Relancer par courriel pour les pièces",
              "Transmettre l'appel à projets", "إرسال محضر الاجتماع"],
    "visit": ["Visite sur le terrain", "Visite de l'atelier", "زيارة ميدانية"],
    "send-documents": ["Envoyer le dossier de candidature", "Envoyer la convention à signer",
                       "Transmettre le modèle de rapport d'impact"],
}
OUTCOMES = ["Échange positif, prochaine étape convenue.", "Pièces reçues, dossier complet.",
            "Besoin d'accompagnement sur la comptabilité.", "Rendez-vous reporté à la demande.",
            "L'équipe a présenté son plan d'action.", "تم الاتفاق على الخطوات المقبلة.",
            "Intéressés par le programme d'incubation.", "Pas de réponse, relance prévue."]
FORWARD_NOTES = ["", "", "", "Entretien concluant.", "Dossier complet.",
                 "Avis favorable du comité.", "ملف مكتمل."]
BACK_NOTES = ["Dossier incomplet : pièces à compléter.", "Retour à l'étape précédente après "
              "le comité.", "Critères à revoir avec l'équipe."]
DECLINE_REASONS = ["Ne correspond pas aux critères du programme.", "Modèle économique trop "
                   "fragile à ce stade.", "Zone d'intervention hors du périmètre.",
                   "لا يستوفي شروط البرنامج."]
WITHDRAW_REASONS = ["L'équipe s'est dissoute.", "Le porteur a trouvé un autre financement.",
                    "Pause demandée par le porteur de projet.", "انسحاب بطلب من حامل المشروع."]
RESUME_NOTE = "Reprise du projet après une pause."
TAGS = ["forum", "femmes", "jeunes", "rural", "numérique", "diaspora", "ESS", "agritech"]
