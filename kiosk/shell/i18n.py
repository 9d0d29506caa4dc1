"""Every sentence the shell shows, in the six languages of the kiosk.

Texts are written for visitors who read poorly (CEFR A2): everyday words, the polite form
(vous / u / siz / usted, and the polite plural in Arabic), staff called "animateur",
"begeleider", "member of staff", "الموظف", "görevli" and "personal". French puts a no-break
space before ``:`` and ``?``. Arabic uses its own comma and question mark.

A text is either one string or, when it counts something, one string per plural category
of the language (CLDR names: zero, one, two, few, many, other). ``{n}`` is the count.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from kiosk.core.model import ErasedKind
from kiosk.core.protocol import SummaryView
from policies import Language

log = logging.getLogger(__name__)

FR, NL, EN, AR, TR, ES = (
    Language.FR,
    Language.NL,
    Language.EN,
    Language.AR,
    Language.TR,
    Language.ES,
)
NBSP = "\u00a0"

Plural = Mapping[str, str]
Entry = Mapping[Language, str | Plural]


def _p(one: str, other: str) -> Plural:
    """Plural forms of a language with one singular (fr, nl, en, es)."""
    return {"one": one, "other": other}


def _ar(*forms: str) -> Plural:
    """The six plural forms of Arabic (3-10 take the plural, 11-99 the singular)."""
    zero, one, two, few, many, other = forms
    return {"zero": zero, "one": one, "two": two, "few": few, "many": many, "other": other}


def plural_category(language: Language, n: int) -> str:
    """The CLDR plural category of ``n`` in ``language`` (integers only)."""
    n = abs(n)
    if language is Language.AR:
        if n == 0:
            return "zero"
        if n == 1:
            return "one"
        if n == 2:
            return "two"
        if 3 <= n % 100 <= 10:
            return "few"
        if 11 <= n % 100 <= 99:
            return "many"
        return "other"
    if language is Language.FR:
        # French counts 0 like 1: "0 minute".
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


STRINGS: dict[str, Entry] = {
    # -- not connected ------------------------------------------------------------------
    "wait_title": {
        FR: "Veuillez patienter…",
        NL: "Even geduld…",
        EN: "Please wait…",
        AR: "يرجى الانتظار…",
        TR: "Lütfen bekleyin…",
        ES: "Espere, por favor…",
    },
    "wait_detail": {
        FR: "Cet ordinateur se prépare. Il sera prêt dans un instant.",
        NL: "Deze computer wordt klaargemaakt. Hij is zo klaar.",
        EN: "This computer is getting ready. It will be ready in a moment.",
        AR: "هذا الحاسوب قيد التحضير. سيكون جاهزًا بعد قليل.",
        TR: "Bu bilgisayar hazırlanıyor. Birazdan hazır olacak.",
        ES: "Este ordenador se está preparando. Estará listo en un momento.",
    },
    # -- language ---------------------------------------------------------------------
    "choose_language": {
        FR: "Choisissez votre langue",
        NL: "Kies uw taal",
        EN: "Choose your language",
        AR: "اختاروا لغتكم",
        TR: "Dilinizi seçin",
        ES: "Elija su idioma",
    },
    "large_text": {
        FR: "Grand texte",
        NL: "Grote letters",
        EN: "Large text",
        AR: "نص كبير",
        TR: "Büyük yazı",
        ES: "Letra grande",
    },
    "high_contrast": {
        FR: "Contraste élevé",
        NL: "Hoog contrast",
        EN: "High contrast",
        AR: "تباين عالٍ",
        TR: "Yüksek kontrast",
        ES: "Alto contraste",
    },
    # -- login ------------------------------------------------------------------------
    "choose_start": {
        FR: f"Comment voulez-vous commencer{NBSP}?",
        NL: "Hoe wilt u beginnen?",
        EN: "How do you want to start?",
        AR: "كيف تريدون أن تبدؤوا؟",
        TR: "Nasıl başlamak istersiniz?",
        ES: "¿Cómo quiere empezar?",
    },
    "mode_walk_in": {
        FR: "Commencer maintenant",
        NL: "Nu beginnen",
        EN: "Start now",
        AR: "ابدؤوا الآن",
        TR: "Şimdi başlayın",
        ES: "Empezar ahora",
    },
    "mode_ticket": {
        FR: "J'ai un ticket",
        NL: "Ik heb een ticket",
        EN: "I have a ticket",
        AR: "لديّ تذكرة",
        TR: "Biletim var",
        ES: "Tengo un ticket",
    },
    "mode_member": {
        FR: "J'ai une carte de membre",
        NL: "Ik heb een ledenkaart",
        EN: "I have a member card",
        AR: "لديّ بطاقة عضوية",
        TR: "Üye kartım var",
        ES: "Tengo una tarjeta de socio",
    },
    "back": {
        FR: "Retour",
        NL: "Terug",
        EN: "Back",
        AR: "رجوع",
        TR: "Geri",
        ES: "Volver",
    },
    "ticket_title": {
        FR: "Tapez le code de votre ticket",
        NL: "Typ de code van uw ticket",
        EN: "Type the code on your ticket",
        AR: "اكتبوا الرمز الموجود على تذكرتكم",
        TR: "Biletinizdeki kodu yazın",
        ES: "Escriba el código de su ticket",
    },
    "ticket_code": {
        FR: "Code du ticket",
        NL: "Ticketcode",
        EN: "Ticket code",
        AR: "رمز التذكرة",
        TR: "Bilet kodu",
        ES: "Código del ticket",
    },
    "member_title": {
        FR: "Tapez votre numéro de carte et votre code PIN",
        NL: "Typ uw kaartnummer en uw pincode",
        EN: "Type your card number and your PIN code",
        AR: "اكتبوا رقم بطاقتكم والرمز السري",
        TR: "Kart numaranızı ve PIN kodunuzu yazın",
        ES: "Escriba su número de tarjeta y su código PIN",
    },
    "card_number": {
        FR: "Numéro de carte",
        NL: "Kaartnummer",
        EN: "Card number",
        AR: "رقم البطاقة",
        TR: "Kart numarası",
        ES: "Número de tarjeta",
    },
    "pin_code": {
        FR: "Code PIN",
        NL: "Pincode",
        EN: "PIN code",
        AR: "الرمز السري",
        TR: "PIN kodu",
        ES: "Código PIN",
    },
    "ok": {
        FR: "OK",
        NL: "OK",
        EN: "OK",
        AR: "موافق",
        TR: "Tamam",
        ES: "Aceptar",
    },
    "erase": {
        FR: "Effacer",
        NL: "Wissen",
        EN: "Erase",
        AR: "مسح",
        TR: "Sil",
        ES: "Borrar",
    },
    # -- house rules --------------------------------------------------------------------
    "rules_title": {
        FR: "Les règles de la salle",
        NL: "De huisregels",
        EN: "The house rules",
        AR: "قواعد القاعة",
        TR: "Salon kuralları",
        ES: "Las normas de la sala",
    },
    "rules_intro": {
        FR: "Lisez ces règles, s'il vous plaît. Touchez une règle pour en savoir plus.",
        NL: "Lees deze regels, alstublieft. Raak een regel aan om meer te lezen.",
        EN: "Please read these rules. Touch a rule to read more.",
        AR: "يرجى قراءة هذه القواعد. المسوا أي قاعدة لقراءة المزيد.",
        TR: "Lütfen bu kuralları okuyun. Devamını okumak için bir kurala dokunun.",
        ES: "Lea estas normas, por favor. Toque una norma para leer más.",
    },
    "more": {
        FR: "En savoir plus",
        NL: "Meer lezen",
        EN: "Read more",
        AR: "المزيد",
        TR: "Devamı",
        ES: "Leer más",
    },
    "close": {
        FR: "Fermer",
        NL: "Sluiten",
        EN: "Close",
        AR: "إغلاق",
        TR: "Kapat",
        ES: "Cerrar",
    },
    "read_aloud": {
        FR: "Lire à voix haute",
        NL: "Voorlezen",
        EN: "Read aloud",
        AR: "القراءة بصوت عالٍ",
        TR: "Sesli oku",
        ES: "Leer en voz alta",
    },
    "stop_reading": {
        FR: "Arrêter la lecture",
        NL: "Stoppen met voorlezen",
        EN: "Stop reading",
        AR: "إيقاف القراءة",
        TR: "Okumayı durdur",
        ES: "Parar la lectura",
    },
    "accept": {
        FR: "J'accepte",
        NL: "Ik ga akkoord",
        EN: "I accept",
        AR: "أوافق",
        TR: "Kabul ediyorum",
        ES: "Acepto",
    },
    # -- closed -----------------------------------------------------------------------
    "closed_title": {
        FR: "La salle est fermée",
        NL: "De ruimte is gesloten",
        EN: "The room is closed",
        AR: "القاعة مغلقة",
        TR: "Salon kapalı",
        ES: "La sala está cerrada",
    },
    "closed_opens_at": {
        FR: "Elle rouvre à {time}.",
        NL: "We zijn weer open om {time}.",
        EN: "It opens again at {time}.",
        AR: "تفتح من جديد في الساعة {time}.",
        TR: "Yeniden açılış saati: {time}.",
        ES: "Vuelve a abrir a las {time}.",
    },
    "closed_opens_on": {
        FR: "Elle rouvre {day} à {time}.",
        NL: "We zijn weer open op {day} om {time}.",
        EN: "It opens again on {day} at {time}.",
        AR: "تفتح من جديد يوم {day} في الساعة {time}.",
        TR: "Yeniden açılış: {day}, saat {time}.",
        ES: "Vuelve a abrir el {day} a las {time}.",
    },
    "closed_no_time": {
        FR: "Revenez plus tard, s'il vous plaît.",
        NL: "Kom later terug, alstublieft.",
        EN: "Please come back later.",
        AR: "يرجى العودة لاحقًا.",
        TR: "Lütfen daha sonra tekrar gelin.",
        ES: "Vuelva más tarde, por favor.",
    },
    # -- time -------------------------------------------------------------------------
    "minutes_left": {
        FR: _p("Il reste {n} minute", "Il reste {n} minutes"),
        NL: _p("Nog {n} minuut", "Nog {n} minuten"),
        EN: _p("{n} minute left", "{n} minutes left"),
        AR: _ar(
            "لم تبقَ أي دقيقة",
            "بقيت دقيقة واحدة",
            "بقيت دقيقتان",
            "بقيت {n} دقائق",
            "بقيت {n} دقيقة",
            "بقيت {n} دقيقة",
        ),
        TR: _p("{n} dakika kaldı", "{n} dakika kaldı"),
        ES: _p("Queda {n} minuto", "Quedan {n} minutos"),
    },
    "seconds_left": {
        FR: _p("Il reste {n} seconde", "Il reste {n} secondes"),
        NL: _p("Nog {n} seconde", "Nog {n} seconden"),
        EN: _p("{n} second left", "{n} seconds left"),
        AR: _ar(
            "لم تبقَ أي ثانية",
            "بقيت ثانية واحدة",
            "بقيت ثانيتان",
            "بقيت {n} ثوانٍ",
            "بقيت {n} ثانية",
            "بقيت {n} ثانية",
        ),
        TR: _p("{n} saniye kaldı", "{n} saniye kaldı"),
        ES: _p("Queda {n} segundo", "Quedan {n} segundos"),
    },
    "minutes_short": {
        FR: _p("{n} min", "{n} min"),
        NL: _p("{n} min", "{n} min"),
        EN: _p("{n} min", "{n} min"),
        AR: _ar("{n} دقيقة", "دقيقة واحدة", "دقيقتان", "{n} دقائق", "{n} دقيقة", "{n} دقيقة"),
        TR: _p("{n} dk", "{n} dk"),
        ES: _p("{n} min", "{n} min"),
    },
    "seconds_short": {
        FR: _p("{n} s", "{n} s"),
        NL: _p("{n} s", "{n} s"),
        EN: _p("{n} s", "{n} s"),
        AR: _ar("{n} ثانية", "ثانية واحدة", "ثانيتان", "{n} ثوانٍ", "{n} ثانية", "{n} ثانية"),
        TR: _p("{n} sn", "{n} sn"),
        ES: _p("{n} s", "{n} s"),
    },
    "until": {
        FR: "jusqu'à {time}",
        NL: "tot {time}",
        EN: "until {time}",
        AR: "حتى الساعة {time}",
        TR: "bitiş saati {time}",
        ES: "hasta las {time}",
    },
    # -- session bar ------------------------------------------------------------------
    "help": {
        FR: "Aide",
        NL: "Hulp",
        EN: "Help",
        AR: "مساعدة",
        TR: "Yardım",
        ES: "Ayuda",
    },
    "help_coming": {
        FR: "Un animateur arrive",
        NL: "Er komt een begeleider naar u toe",
        EN: "A member of staff is coming",
        AR: "الموظف قادم إليكم",
        TR: "Bir görevli geliyor",
        ES: "Un miembro del personal viene a ayudarle",
    },
    "help_coming_short": {
        FR: "Un animateur arrive",
        NL: "Begeleider komt eraan",
        EN: "Staff are coming",
        AR: "الموظف قادم",
        TR: "Görevli geliyor",
        ES: "El personal viene",
    },
    "end_session": {
        FR: "Terminer ma session",
        NL: "Mijn sessie stoppen",
        EN: "End my session",
        AR: "إنهاء جلستي",
        TR: "Oturumumu bitir",
        ES: "Terminar mi sesión",
    },
    "end_confirm_title": {
        FR: f"Voulez-vous terminer votre session maintenant{NBSP}?",
        NL: "Wilt u uw sessie nu stoppen?",
        EN: "Do you want to end your session now?",
        AR: "هل تريدون إنهاء جلستكم الآن؟",
        TR: "Oturumunuzu şimdi bitirmek istiyor musunuz?",
        ES: "¿Quiere terminar su sesión ahora?",
    },
    "end_confirm_detail": {
        FR: "Tout ce que vous avez fait sur cet ordinateur sera effacé"
        f"{NBSP}: vos fichiers, vos téléchargements et votre historique.",
        NL: "Alles wat u op deze computer hebt gedaan, wordt gewist: "
        "uw bestanden, uw downloads en uw browsergeschiedenis.",
        EN: "Everything you did on this computer will be erased: "
        "your files, your downloads and your browser history.",
        AR: "سيُمحى كل ما فعلتموه على هذا الحاسوب: ملفاتكم وتنزيلاتكم وسجل التصفح.",
        TR: "Bu bilgisayarda yaptığınız her şey silinecek: "
        "dosyalarınız, indirdikleriniz ve tarayıcı geçmişiniz.",
        ES: "Todo lo que ha hecho en este ordenador se borrará: "
        "sus archivos, sus descargas y su historial de navegación.",
    },
    "end_confirm_yes": {
        FR: "Oui, terminer",
        NL: "Ja, nu stoppen",
        EN: "Yes, end now",
        AR: "نعم، إنهاء الآن",
        TR: "Evet, şimdi bitir",
        ES: "Sí, terminar ahora",
    },
    "end_confirm_no": {
        FR: "Non, continuer",
        NL: "Nee, verder werken",
        EN: "No, continue",
        AR: "لا، متابعة",
        TR: "Hayır, devam et",
        ES: "No, continuar",
    },
    "warning_save": {
        FR: "{time_left}. Enregistrez votre travail maintenant (clé USB ou e-mail).",
        NL: "{time_left}. Sla uw werk nu op (usb-stick of e-mail).",
        EN: "{time_left}. Save your work now (USB stick or e-mail).",
        AR: "{time_left}. احفظوا عملكم الآن (مفتاح USB أو بريد إلكتروني).",
        TR: "{time_left}. Çalışmanızı şimdi kaydedin (USB bellek veya e-posta).",
        ES: "{time_left}. Guarde su trabajo ahora (memoria USB o correo electrónico).",
    },
    "final_title": {
        FR: "Votre session se termine bientôt",
        NL: "Uw sessie stopt bijna",
        EN: "Your session ends soon",
        AR: "ستنتهي جلستكم قريبًا",
        TR: "Oturumunuz birazdan bitiyor",
        ES: "Su sesión termina pronto",
    },
    "final_save": {
        FR: "Enregistrez votre travail maintenant (clé USB ou e-mail).",
        NL: "Sla uw werk nu op (usb-stick of e-mail).",
        EN: "Save your work now (USB stick or e-mail).",
        AR: "احفظوا عملكم الآن (مفتاح USB أو بريد إلكتروني).",
        TR: "Çalışmanızı şimdi kaydedin (USB bellek veya e-posta).",
        ES: "Guarde su trabajo ahora (memoria USB o correo electrónico).",
    },
    # -- idle -------------------------------------------------------------------------
    "idle_title": {
        FR: f"Êtes-vous toujours là{NBSP}?",
        NL: "Bent u er nog?",
        EN: "Are you still there?",
        AR: "هل ما زلتم هنا؟",
        TR: "Hâlâ burada mısınız?",
        ES: "¿Sigue usted ahí?",
    },
    "idle_touch": {
        FR: "Touchez l'écran ou appuyez sur une touche.",
        NL: "Raak het scherm aan of druk op een toets.",
        EN: "Touch the screen or press a key.",
        AR: "المسوا الشاشة أو اضغطوا على أي زر.",
        TR: "Ekrana dokunun veya bir tuşa basın.",
        ES: "Toque la pantalla o pulse una tecla.",
    },
    "idle_ends_in": {
        FR: _p(
            "Sinon, votre session se termine dans {n} seconde.",
            "Sinon, votre session se termine dans {n} secondes.",
        ),
        NL: _p(
            "Anders stopt uw sessie over {n} seconde.",
            "Anders stopt uw sessie over {n} seconden.",
        ),
        EN: _p(
            "Otherwise, your session ends in {n} second.",
            "Otherwise, your session ends in {n} seconds.",
        ),
        AR: _ar(
            "وإلا ستنتهي جلستكم الآن.",
            "وإلا ستنتهي جلستكم بعد ثانية واحدة.",
            "وإلا ستنتهي جلستكم بعد ثانيتين.",
            "وإلا ستنتهي جلستكم بعد {n} ثوانٍ.",
            "وإلا ستنتهي جلستكم بعد {n} ثانية.",
            "وإلا ستنتهي جلستكم بعد {n} ثانية.",
        ),
        TR: _p(
            "Yoksa oturumunuz {n} saniye sonra bitecek.",
            "Yoksa oturumunuz {n} saniye sonra bitecek.",
        ),
        ES: _p(
            "Si no, su sesión terminará en {n} segundo.",
            "Si no, su sesión terminará en {n} segundos.",
        ),
    },
    "idle_here": {
        FR: "Je suis là",
        NL: "Ik ben er nog",
        EN: "I am here",
        AR: "أنا هنا",
        TR: "Buradayım",
        ES: "Estoy aquí",
    },
    # -- locked, message ----------------------------------------------------------------
    "locked_title": {
        FR: "Cet ordinateur est bloqué.",
        NL: "Deze computer is vergrendeld.",
        EN: "This computer is locked.",
        AR: "هذا الحاسوب مقفل.",
        TR: "Bu bilgisayar kilitli.",
        ES: "Este ordenador está bloqueado.",
    },
    "locked_detail": {
        FR: "Adressez-vous à un animateur, s'il vous plaît.",
        NL: "Vraag het aan een begeleider, alstublieft.",
        EN: "Please see a member of staff.",
        AR: "يرجى التوجه إلى الموظف.",
        TR: "Lütfen bir görevliye başvurun.",
        ES: "Hable con un miembro del personal, por favor.",
    },
    "out_of_order_title": {
        FR: "Cet ordinateur est en panne.",
        NL: "Deze computer is defect.",
        EN: "This computer is out of order.",
        AR: "هذا الحاسوب معطّل.",
        TR: "Bu bilgisayar arızalı.",
        ES: "Este ordenador está averiado.",
    },
    "out_of_order_detail": {
        FR: "Utilisez un autre ordinateur, s'il vous plaît. Un animateur peut vous aider.",
        NL: "Gebruik een andere computer, alstublieft. Een begeleider kan u helpen.",
        EN: "Please use another computer. A member of staff can help you.",
        AR: "يرجى استخدام حاسوب آخر. يمكن للموظف أن يساعدكم.",
        TR: "Lütfen başka bir bilgisayar kullanın. Bir görevli size yardım edebilir.",
        ES: "Use otro ordenador, por favor. Un miembro del personal puede ayudarle.",
    },
    "message_title": {
        FR: "Message d'un animateur",
        NL: "Bericht van een begeleider",
        EN: "Message from a member of staff",
        AR: "رسالة من الموظف",
        TR: "Görevliden mesaj",
        ES: "Mensaje del personal",
    },
    # -- end --------------------------------------------------------------------------
    "ending_title": {
        FR: "Votre session est terminée.",
        NL: "Uw sessie is voorbij.",
        EN: "Your session is over.",
        AR: "انتهت جلستكم.",
        TR: "Oturumunuz bitti.",
        ES: "Su sesión ha terminado.",
    },
    "erasing": {
        FR: "Effacement de vos données…",
        NL: "Uw gegevens worden gewist…",
        EN: "Erasing your data…",
        AR: "جارٍ مسح بياناتكم…",
        TR: "Verileriniz siliniyor…",
        ES: "Borrando sus datos…",
    },
    "updating_title": {
        FR: "Cet ordinateur est en cours de mise à jour.",
        NL: "Deze computer wordt bijgewerkt.",
        EN: "This PC is being updated.",
        AR: "يجري تحديث هذا الحاسوب.",
        TR: "Bu bilgisayar güncelleniyor.",
        ES: "Este ordenador se está actualizando.",
    },
    "updating_detail": {
        FR: "Il sera prêt dans quelques minutes.",
        NL: "Over een paar minuten is hij klaar.",
        EN: "It will be ready in a few minutes.",
        AR: "سيكون جاهزًا بعد بضع دقائق.",
        TR: "Birkaç dakika içinde hazır olacak.",
        ES: "Estará listo en unos minutos.",
    },
    "preparing_title": {
        FR: "Cet ordinateur se prépare.",
        NL: "Deze computer wordt klaargemaakt.",
        EN: "This computer is getting ready.",
        AR: "هذا الحاسوب قيد التحضير.",
        TR: "Bu bilgisayar hazırlanıyor.",
        ES: "Este ordenador se está preparando.",
    },
    "preparing_detail": {
        FR: "Il sera disponible dans un instant. Merci de patienter.",
        NL: "Hij is zo weer beschikbaar. Even geduld, alstublieft.",
        EN: "It will be available in a moment. Please wait.",
        AR: "سيكون متاحًا بعد قليل. يرجى الانتظار.",
        TR: "Birazdan kullanılabilir olacak. Lütfen bekleyin.",
        ES: "Estará disponible en un momento. Espere, por favor.",
    },
    "reason_time_up": {
        FR: "Le temps est écoulé.",
        NL: "Uw tijd is om.",
        EN: "Your time is up.",
        AR: "انتهى الوقت.",
        TR: "Süreniz doldu.",
        ES: "Se ha acabado el tiempo.",
    },
    "reason_visitor": {
        FR: "Vous avez terminé votre session.",
        NL: "U hebt uw sessie gestopt.",
        EN: "You ended your session.",
        AR: "لقد أنهيتم جلستكم.",
        TR: "Oturumunuzu siz bitirdiniz.",
        ES: "Usted ha terminado su sesión.",
    },
    "reason_staff": {
        FR: "Un animateur a terminé votre session.",
        NL: "Een begeleider heeft uw sessie gestopt.",
        EN: "A member of staff ended your session.",
        AR: "أنهى الموظف جلستكم.",
        TR: "Bir görevli oturumunuzu bitirdi.",
        ES: "Un miembro del personal ha terminado su sesión.",
    },
    "reason_idle": {
        FR: "L'ordinateur n'a pas été utilisé pendant un moment.",
        NL: "De computer werd een tijdje niet gebruikt.",
        EN: "The computer was not used for a while.",
        AR: "لم يُستخدم الحاسوب منذ مدة.",
        TR: "Bilgisayar bir süredir kullanılmadı.",
        ES: "El ordenador no se ha usado durante un rato.",
    },
    "reason_shell_lost": {
        FR: "La session a dû s'arrêter à cause d'un problème technique.",
        NL: "De sessie moest stoppen door een technisch probleem.",
        EN: "The session had to stop because of a technical problem.",
        AR: "توقفت الجلسة بسبب مشكلة تقنية.",
        TR: "Oturum teknik bir sorun nedeniyle durdu.",
        ES: "La sesión se ha detenido por un problema técnico.",
    },
    "reason_reboot": {
        FR: "L'ordinateur a redémarré.",
        NL: "De computer is opnieuw opgestart.",
        EN: "The computer restarted.",
        AR: "أُعيد تشغيل الحاسوب.",
        TR: "Bilgisayar yeniden başladı.",
        ES: "El ordenador se ha reiniciado.",
    },
    "reason_stopped": {
        FR: "L'ordinateur a été arrêté.",
        NL: "De computer werd gestopt.",
        EN: "The computer was stopped.",
        AR: "أُوقف الحاسوب.",
        TR: "Bilgisayar durduruldu.",
        ES: "El ordenador se ha detenido.",
    },
    "done_title": {
        FR: "Vos données ont été effacées",
        NL: "Uw gegevens zijn gewist",
        EN: "Your data has been erased",
        AR: "تم مسح بياناتكم",
        TR: "Verileriniz silindi",
        ES: "Sus datos se han borrado",
    },
    "done_erased": {
        FR: f"Effacé{NBSP}: {{items}}.",
        NL: "Gewist: {items}.",
        EN: "Erased: {items}.",
        AR: "تم مسح: {items}.",
        TR: "Silinenler: {items}.",
        ES: "Borrado: {items}.",
    },
    "done_nothing": {
        FR: "Il n'y avait rien à effacer.",
        NL: "Er was niets te wissen.",
        EN: "There was nothing to erase.",
        AR: "لم يكن هناك شيء لمسحه.",
        TR: "Silinecek bir şey yoktu.",
        ES: "No había nada que borrar.",
    },
    "done_private": {
        FR: "La personne suivante ne peut pas voir ce que vous avez fait.",
        NL: "De volgende persoon kan niet zien wat u hebt gedaan.",
        EN: "The next person cannot see what you did.",
        AR: "لا يستطيع الشخص التالي أن يرى ما فعلتموه.",
        TR: "Sonraki kişi ne yaptığınızı göremez.",
        ES: "La próxima persona no puede ver lo que usted ha hecho.",
    },
    "done_start": {
        FR: "Touchez pour commencer",
        NL: "Raak aan om te beginnen",
        EN: "Touch to start",
        AR: "المسوا الشاشة للبدء",
        TR: "Başlamak için dokunun",
        ES: "Toque para empezar",
    },
    # -- what a wipe erased -------------------------------------------------------------
    "erased_files": {
        FR: _p("{n} fichier", "{n} fichiers"),
        NL: _p("{n} bestand", "{n} bestanden"),
        EN: _p("{n} file", "{n} files"),
        AR: _ar("{n} ملف", "ملف واحد", "ملفان", "{n} ملفات", "{n} ملفًا", "{n} ملف"),
        TR: _p("{n} dosya", "{n} dosya"),
        ES: _p("{n} archivo", "{n} archivos"),
    },
    "erased_folders": {
        FR: _p("{n} dossier", "{n} dossiers"),
        NL: _p("{n} map", "{n} mappen"),
        EN: _p("{n} folder", "{n} folders"),
        AR: _ar("{n} مجلد", "مجلد واحد", "مجلدان", "{n} مجلدات", "{n} مجلدًا", "{n} مجلد"),
        TR: _p("{n} klasör", "{n} klasör"),
        ES: _p("{n} carpeta", "{n} carpetas"),
    },
    "erased_downloads": {
        FR: _p("{n} téléchargement", "{n} téléchargements"),
        NL: _p("{n} download", "{n} downloads"),
        EN: _p("{n} download", "{n} downloads"),
        AR: _ar("{n} تنزيل", "تنزيل واحد", "تنزيلان", "{n} تنزيلات", "{n} تنزيلًا", "{n} تنزيل"),
        TR: _p("{n} indirme", "{n} indirme"),
        ES: _p("{n} descarga", "{n} descargas"),
    },
    "erased_print_jobs": {
        FR: _p("{n} impression", "{n} impressions"),
        NL: _p("{n} printopdracht", "{n} printopdrachten"),
        EN: _p("{n} print job", "{n} print jobs"),
        AR: _ar(
            "{n} مهمة طباعة",
            "مهمة طباعة واحدة",
            "مهمتا طباعة",
            "{n} مهام طباعة",
            "{n} مهمة طباعة",
            "{n} مهمة طباعة",
        ),
        TR: _p("{n} yazdırma işi", "{n} yazdırma işi"),
        ES: _p("{n} impresión", "{n} impresiones"),
    },
    "erased_processes": {
        FR: _p("{n} programme ouvert", "{n} programmes ouverts"),
        NL: _p("{n} open programma", "{n} open programma's"),
        EN: _p("{n} open program", "{n} open programs"),
        AR: _ar(
            "{n} برنامج مفتوح",
            "برنامج مفتوح واحد",
            "برنامجان مفتوحان",
            "{n} برامج مفتوحة",
            "{n} برنامجًا مفتوحًا",
            "{n} برنامج مفتوح",
        ),
        TR: _p("{n} açık program", "{n} açık program"),
        ES: _p("{n} programa abierto", "{n} programas abiertos"),
    },
    "erased_browser": {
        FR: "l'historique du navigateur",
        NL: "de browsergeschiedenis",
        EN: "browser history",
        AR: "سجل التصفح",
        TR: "tarayıcı geçmişi",
        ES: "el historial del navegador",
    },
    "erased_other": {
        FR: _p("{n} autre élément", "{n} autres éléments"),
        NL: _p("{n} ander onderdeel", "{n} andere onderdelen"),
        EN: _p("{n} other item", "{n} other items"),
        AR: _ar(
            "{n} عنصر آخر",
            "عنصر آخر",
            "عنصران آخران",
            "{n} عناصر أخرى",
            "{n} عنصرًا آخر",
            "{n} عنصر آخر",
        ),
        TR: _p("{n} başka öğe", "{n} başka öğe"),
        ES: _p("{n} elemento más", "{n} elementos más"),
    },
    # -- animator -----------------------------------------------------------------------
    "staff": {
        FR: "Animateur",
        NL: "Begeleider",
        EN: "Staff",
        AR: "الموظف",
        TR: "Görevli",
        ES: "Personal",
    },
    "staff_pin_title": {
        FR: f"Animateur{NBSP}: tapez votre code PIN",
        NL: "Begeleider: typ uw pincode",
        EN: "Staff: type your PIN code",
        AR: "الموظف: اكتبوا الرمز السري",
        TR: "Görevli: PIN kodunuzu yazın",
        ES: "Personal: escriba su código PIN",
    },
    "staff_actions": {
        FR: "Actions de l'animateur",
        NL: "Acties van de begeleider",
        EN: "Staff actions",
        AR: "إجراءات الموظف",
        TR: "Görevli işlemleri",
        ES: "Acciones del personal",
    },
    "extend_by": {
        FR: _p("Ajouter {n} minute", "Ajouter {n} minutes"),
        NL: _p("{n} minuut erbij", "{n} minuten erbij"),
        EN: _p("Add {n} minute", "Add {n} minutes"),
        AR: _ar(
            "إضافة {n} دقيقة",
            "إضافة دقيقة واحدة",
            "إضافة دقيقتين",
            "إضافة {n} دقائق",
            "إضافة {n} دقيقة",
            "إضافة {n} دقيقة",
        ),
        TR: _p("{n} dakika ekle", "{n} dakika ekle"),
        ES: _p("Añadir {n} minuto", "Añadir {n} minutos"),
    },
    "staff_end": {
        FR: "Terminer la session",
        NL: "De sessie stoppen",
        EN: "End the session",
        AR: "إنهاء الجلسة",
        TR: "Oturumu bitir",
        ES: "Terminar la sesión",
    },
    "staff_lock": {
        FR: "Bloquer cet ordinateur",
        NL: "Deze computer vergrendelen",
        EN: "Lock this computer",
        AR: "قفل هذا الحاسوب",
        TR: "Bu bilgisayarı kilitle",
        ES: "Bloquear este ordenador",
    },
    "staff_unlock": {
        FR: "Débloquer cet ordinateur",
        NL: "Deze computer ontgrendelen",
        EN: "Unlock this computer",
        AR: "فتح قفل هذا الحاسوب",
        TR: "Bu bilgisayarın kilidini aç",
        ES: "Desbloquear este ordenador",
    },
    # -- pairing this PC with the console (staff menu) ----------------------------------
    "pair_open": {
        FR: "Connecter ce PC à la console",
        NL: "Deze pc met de console verbinden",
        EN: "Connect this PC to the console",
        AR: "ربط هذا الحاسوب بوحدة التحكم",
        TR: "Bu bilgisayarı konsola bağla",
        ES: "Conectar este PC a la consola",
    },
    "pair_choose": {
        FR: "1. Choisissez la console",
        NL: "1. Kies de console",
        EN: "1. Choose the console",
        AR: "1. اختاروا وحدة التحكم",
        TR: "1. Konsolu seçin",
        ES: "1. Elija la consola",
    },
    "pair_searching": {
        FR: "Recherche des consoles sur le réseau…",
        NL: "Consoles op het netwerk zoeken…",
        EN: "Looking for consoles on the network…",
        AR: "جارٍ البحث عن وحدات التحكم في الشبكة…",
        TR: "Ağdaki konsollar aranıyor…",
        ES: "Buscando consolas en la red…",
    },
    "pair_none_found": {
        FR: "Aucune console trouvée sur ce réseau. Tapez son adresse ci-dessous.",
        NL: "Geen console gevonden op dit netwerk. Typ het adres hieronder.",
        EN: "No console found on this network. Type its address below.",
        AR: "لم يتم العثور على وحدة تحكم في هذه الشبكة. اكتبوا عنوانها في الأسفل.",
        TR: "Bu ağda konsol bulunamadı. Adresini aşağıya yazın.",
        ES: "No se ha encontrado ninguna consola en esta red. Escriba su dirección abajo.",
    },
    "pair_search_again": {
        FR: "Chercher encore",
        NL: "Opnieuw zoeken",
        EN: "Search again",
        AR: "البحث مرة أخرى",
        TR: "Yeniden ara",
        ES: "Buscar de nuevo",
    },
    "pair_address": {
        FR: f"Ou tapez l'adresse de la console (par exemple 192.168.1.10){NBSP}:",
        NL: "Of typ het adres van de console (bijvoorbeeld 192.168.1.10):",
        EN: "Or type the console's address (for example 192.168.1.10):",
        AR: "أو اكتبوا عنوان وحدة التحكم (مثلًا 192.168.1.10):",
        TR: "Ya da konsolun adresini yazın (örneğin 192.168.1.10):",
        ES: "O escriba la dirección de la consola (por ejemplo 192.168.1.10):",
    },
    "pair_code": {
        FR: "2. Tapez le code affiché sur la console",
        NL: "2. Typ de code die de console toont",
        EN: "2. Type the code the console shows",
        AR: "2. اكتبوا الرمز الظاهر على وحدة التحكم",
        TR: "2. Konsolda görünen kodu yazın",
        ES: "2. Escriba el código que muestra la consola",
    },
    "pair_connect": {
        FR: "Connecter",
        NL: "Verbinden",
        EN: "Connect",
        AR: "ربط",
        TR: "Bağla",
        ES: "Conectar",
    },
    "pair_connecting": {
        FR: "Connexion à la console…",
        NL: "Verbinden met de console…",
        EN: "Connecting to the console…",
        AR: "جارٍ الربط بوحدة التحكم…",
        TR: "Konsola bağlanılıyor…",
        ES: "Conectando con la consola…",
    },
    "pair_done": {
        FR: f"Ce PC est connecté à la console «{NBSP}{{name}}{NBSP}».",
        NL: "Deze pc is verbonden met de console ‘{name}’.",
        EN: "This PC is connected to the console “{name}”.",
        AR: "هذا الحاسوب مرتبط بوحدة التحكم «{name}».",
        TR: "Bu bilgisayar “{name}” konsoluna bağlandı.",
        ES: "Este PC está conectado a la consola «{name}».",
    },
    "pair_done_detail": {
        FR: "Il apparaît maintenant dans la salle, sur la console.",
        NL: "Hij staat nu in de zaal op de console.",
        EN: "It now shows in the room on the console.",
        AR: "يظهر الآن في القاعة على وحدة التحكم.",
        TR: "Artık konsolda salonda görünüyor.",
        ES: "Ahora aparece en la sala, en la consola.",
    },
    "cancel": {
        FR: "Annuler",
        NL: "Annuleren",
        EN: "Cancel",
        AR: "إلغاء",
        TR: "İptal",
        ES: "Cancelar",
    },
    "try_again_seconds": {
        FR: _p("Réessayez dans {n} seconde.", "Réessayez dans {n} secondes."),
        NL: _p("Probeer opnieuw over {n} seconde.", "Probeer opnieuw over {n} seconden."),
        EN: _p("Please try again in {n} second.", "Please try again in {n} seconds."),
        AR: _ar(
            "يرجى المحاولة مرة أخرى الآن.",
            "يرجى المحاولة مرة أخرى بعد ثانية واحدة.",
            "يرجى المحاولة مرة أخرى بعد ثانيتين.",
            "يرجى المحاولة مرة أخرى بعد {n} ثوانٍ.",
            "يرجى المحاولة مرة أخرى بعد {n} ثانية.",
            "يرجى المحاولة مرة أخرى بعد {n} ثانية.",
        ),
        TR: _p(
            "Lütfen {n} saniye sonra tekrar deneyin.",
            "Lütfen {n} saniye sonra tekrar deneyin.",
        ),
        ES: _p(
            "Vuelva a intentarlo dentro de {n} segundo.",
            "Vuelva a intentarlo dentro de {n} segundos.",
        ),
    },
    "try_again_minutes": {
        FR: _p("Réessayez dans {n} minute.", "Réessayez dans {n} minutes."),
        NL: _p("Probeer opnieuw over {n} minuut.", "Probeer opnieuw over {n} minuten."),
        EN: _p("Please try again in {n} minute.", "Please try again in {n} minutes."),
        AR: _ar(
            "يرجى المحاولة مرة أخرى الآن.",
            "يرجى المحاولة مرة أخرى بعد دقيقة واحدة.",
            "يرجى المحاولة مرة أخرى بعد دقيقتين.",
            "يرجى المحاولة مرة أخرى بعد {n} دقائق.",
            "يرجى المحاولة مرة أخرى بعد {n} دقيقة.",
            "يرجى المحاولة مرة أخرى بعد {n} دقيقة.",
        ),
        TR: _p(
            "Lütfen {n} dakika sonra tekrar deneyin.",
            "Lütfen {n} dakika sonra tekrar deneyin.",
        ),
        ES: _p(
            "Vuelva a intentarlo dentro de {n} minuto.",
            "Vuelva a intentarlo dentro de {n} minutos.",
        ),
    },
    # -- printing -----------------------------------------------------------------------
    "print_confirm_title": {
        FR: f"Imprimer ce document{NBSP}?",
        NL: "Dit document afdrukken?",
        EN: "Print this document?",
        AR: "هل تريدون طباعة هذا المستند؟",
        TR: "Bu belge yazdırılsın mı?",
        ES: "¿Imprimir este documento?",
    },
    # The subject of "{pages} on {sheets}".
    "print_pages": {
        FR: _p("{n} page", "{n} pages"),
        NL: _p("{n} pagina", "{n} pagina's"),
        EN: _p("{n} page", "{n} pages"),
        AR: _ar("{n} صفحة", "صفحة واحدة", "صفحتان", "{n} صفحات", "{n} صفحة", "{n} صفحة"),
        TR: _p("{n} sayfa", "{n} sayfa"),
        ES: _p("{n} página", "{n} páginas"),
    },
    # After the preposition of "{pages} on {sheets}" (Arabic: the genitive dual).
    "print_sheets": {
        FR: _p("{n} feuille", "{n} feuilles"),
        NL: _p("{n} vel", "{n} vellen"),
        EN: _p("{n} sheet", "{n} sheets"),
        AR: _ar("{n} ورقة", "ورقة واحدة", "ورقتين", "{n} أوراق", "{n} ورقة", "{n} ورقة"),
        TR: _p("{n} kağıt", "{n} kağıt"),
        ES: _p("{n} hoja", "{n} hojas"),
    },
    "print_pages_on_sheets": {
        FR: "{pages} sur {sheets}",
        NL: "{pages} op {sheets}",
        EN: "{pages} on {sheets}",
        AR: "{pages} على {sheets}",
        # Turkish would need the dative on the number of sheets: said in brackets instead.
        TR: "{pages} ({sheets})",
        ES: "{pages} en {sheets}",
    },
    "print_colour": {
        FR: "En couleur",
        NL: "In kleur",
        EN: "In colour",
        AR: "بالألوان",
        TR: "Renkli",
        ES: "En color",
    },
    "print_black_white": {
        FR: "En noir et blanc",
        NL: "In zwart-wit",
        EN: "In black and white",
        AR: "بالأبيض والأسود",
        TR: "Siyah beyaz",
        ES: "En blanco y negro",
    },
    "print_price": {
        FR: f"Prix{NBSP}: {{price}}",
        NL: "Prijs: {price}",
        EN: "Price: {price}",
        AR: "السعر: {price}",
        TR: "Fiyat: {price}",
        ES: "Precio: {price}",
    },
    "print_free": {
        FR: "Gratuit",
        NL: "Gratis",
        EN: "Free",
        AR: "مجانًا",
        TR: "Ücretsiz",
        ES: "Gratis",
    },
    "print_free_pages_used": {
        FR: _p("{n} page gratuite utilisée", "{n} pages gratuites utilisées"),
        NL: _p("{n} gratis pagina gebruikt", "{n} gratis pagina's gebruikt"),
        EN: _p("{n} free page used", "{n} free pages used"),
        AR: _ar(
            "لم تُستخدم أي صفحة مجانية",
            "استُخدمت صفحة مجانية واحدة",
            "استُخدمت صفحتان مجانيتان",
            "استُخدمت {n} صفحات مجانية",
            "استُخدمت {n} صفحة مجانية",
            "استُخدمت {n} صفحة مجانية",
        ),
        TR: _p("{n} ücretsiz sayfa kullanıldı", "{n} ücretsiz sayfa kullanıldı"),
        ES: _p("{n} página gratis usada", "{n} páginas gratis usadas"),
    },
    "print_left_after": {
        FR: _p(
            "Ensuite, vous pourrez encore imprimer {n} page.",
            "Ensuite, vous pourrez encore imprimer {n} pages.",
        ),
        NL: _p(
            "Daarna kunt u nog {n} pagina afdrukken.",
            "Daarna kunt u nog {n} pagina's afdrukken.",
        ),
        EN: _p(
            "After this, you can still print {n} page.",
            "After this, you can still print {n} pages.",
        ),
        AR: _ar(
            "بعد ذلك، لن تستطيعوا طباعة أي صفحة.",
            "بعد ذلك، يمكنكم طباعة صفحة واحدة أخرى.",
            "بعد ذلك، يمكنكم طباعة صفحتين أخريين.",
            "بعد ذلك، يمكنكم طباعة {n} صفحات أخرى.",
            "بعد ذلك، يمكنكم طباعة {n} صفحة أخرى.",
            "بعد ذلك، يمكنكم طباعة {n} صفحة أخرى.",
        ),
        TR: _p(
            "Bundan sonra {n} sayfa daha yazdırabilirsiniz.",
            "Bundan sonra {n} sayfa daha yazdırabilirsiniz.",
        ),
        ES: _p(
            "Después, todavía podrá imprimir {n} página.",
            "Después, todavía podrá imprimir {n} páginas.",
        ),
    },
    "print_none_left_after": {
        FR: "Ensuite, vous ne pourrez plus imprimer.",
        NL: "Daarna kunt u niet meer afdrukken.",
        EN: "After this, you cannot print any more.",
        AR: "بعد ذلك، لن تستطيعوا الطباعة.",
        TR: "Bundan sonra artık yazdıramazsınız.",
        ES: "Después, ya no podrá imprimir más.",
    },
    "print_too_long_title": {
        FR: "Ce document a trop de pages",
        NL: "Dit document heeft te veel pagina's",
        EN: "This document has too many pages",
        AR: "هذا المستند فيه صفحات كثيرة جدًا",
        TR: "Bu belgede çok fazla sayfa var",
        ES: "Este documento tiene demasiadas páginas",
    },
    "print_needs": {
        FR: _p("Ce document demande {n} page.", "Ce document demande {n} pages."),
        NL: _p("Dit document heeft {n} pagina nodig.", "Dit document heeft {n} pagina's nodig."),
        EN: _p("This document needs {n} page.", "This document needs {n} pages."),
        AR: _ar(
            "هذا المستند لا يحتاج إلى أي صفحة.",
            "يحتاج هذا المستند إلى صفحة واحدة.",
            "يحتاج هذا المستند إلى صفحتين.",
            "يحتاج هذا المستند إلى {n} صفحات.",
            "يحتاج هذا المستند إلى {n} صفحة.",
            "يحتاج هذا المستند إلى {n} صفحة.",
        ),
        TR: _p("Bu belge için {n} sayfa gerekiyor.", "Bu belge için {n} sayfa gerekiyor."),
        ES: _p("Este documento necesita {n} página.", "Este documento necesita {n} páginas."),
    },
    "print_left_now": {
        FR: _p("Il ne vous reste que {n} page.", "Il ne vous reste que {n} pages."),
        NL: _p("U hebt nog maar {n} pagina over.", "U hebt nog maar {n} pagina's over."),
        EN: _p("You have only {n} page left.", "You have only {n} pages left."),
        AR: _ar(
            "لم تبقَ لكم أي صفحة.",
            "لم تبقَ لكم إلا صفحة واحدة.",
            "لم تبقَ لكم إلا صفحتان.",
            "لم تبقَ لكم إلا {n} صفحات.",
            "لم تبقَ لكم إلا {n} صفحة.",
            "لم تبقَ لكم إلا {n} صفحة.",
        ),
        TR: _p("Yalnızca {n} sayfa hakkınız kaldı.", "Yalnızca {n} sayfa hakkınız kaldı."),
        ES: _p("Solo le queda {n} página.", "Solo le quedan {n} páginas."),
    },
    "print_none_left_now": {
        FR: "Vous ne pouvez plus imprimer de pages.",
        NL: "U kunt geen pagina's meer afdrukken.",
        EN: "You cannot print any more pages.",
        AR: "لا يمكنكم طباعة أي صفحة بعد الآن.",
        TR: "Artık sayfa yazdıramazsınız.",
        ES: "Ya no puede imprimir más páginas.",
    },
    "print_staff_can_help": {
        FR: "Un animateur peut vous aider.",
        NL: "Een begeleider kan u helpen.",
        EN: "A member of staff can help you.",
        AR: "يمكن للموظف أن يساعدكم.",
        TR: "Bir görevli size yardım edebilir.",
        ES: "Un miembro del personal puede ayudarle.",
    },
    "print_ask_staff": {
        FR: "Appeler un animateur",
        NL: "Een begeleider roepen",
        EN: "Ask a member of staff",
        AR: "نادوا الموظف",
        TR: "Görevli çağır",
        ES: "Llamar al personal",
    },
    "print_uncountable_title": {
        FR: "Cet ordinateur ne peut pas compter les pages de ce document",
        NL: "Deze computer kan de pagina's van dit document niet tellen",
        EN: "This computer cannot count the pages of this document",
        AR: "لا يستطيع هذا الحاسوب عدّ صفحات هذا المستند",
        TR: "Bu bilgisayar bu belgenin sayfalarını sayamıyor",
        ES: "Este ordenador no puede contar las páginas de este documento",
    },
    "print_problem_encrypted": {
        FR: "Il est protégé par un mot de passe.",
        NL: "Het is beveiligd met een wachtwoord.",
        EN: "It is protected by a password.",
        AR: "إنه محمي بكلمة سر.",
        TR: "Bir parolayla korunuyor.",
        ES: "Está protegido con una contraseña.",
    },
    "print_problem_damaged": {
        FR: "Il est abîmé ou incomplet.",
        NL: "Het is beschadigd of onvolledig.",
        EN: "It is damaged or incomplete.",
        AR: "إنه تالف أو غير مكتمل.",
        TR: "Bozuk veya eksik.",
        ES: "Está dañado o incompleto.",
    },
    "print_problem_unknown_format": {
        FR: "C'est un type de fichier que cet ordinateur ne peut pas imprimer.",
        NL: "Deze computer kan dit soort bestand niet afdrukken.",
        EN: "It is a kind of file this computer cannot print.",
        AR: "إنه نوع من الملفات لا يستطيع هذا الحاسوب طباعته.",
        TR: "Bu bilgisayarın yazdıramadığı bir dosya türü.",
        ES: "Es un tipo de archivo que este ordenador no puede imprimir.",
    },
    "print_problem_options": {
        FR: "Il demande des réglages d'impression que cet ordinateur ne peut pas vérifier.",
        NL: "Het vraagt printinstellingen die deze computer niet kan controleren.",
        EN: "It asks for print settings this computer cannot check.",
        AR: "يطلب إعدادات طباعة لا يستطيع هذا الحاسوب التحقق منها.",
        TR: "Bu bilgisayarın kontrol edemediği yazdırma ayarları istiyor.",
        ES: "Pide ajustes de impresión que este ordenador no puede comprobar.",
    },
    "print_problem_other": {
        FR: "Cet ordinateur ne peut pas le lire.",
        NL: "Deze computer kan het niet lezen.",
        EN: "This computer cannot read it.",
        AR: "لا يستطيع هذا الحاسوب قراءته.",
        TR: "Bu bilgisayar onu okuyamıyor.",
        ES: "Este ordenador no puede leerlo.",
    },
    "print_not_by_itself": {
        FR: "Il ne sera pas imprimé tout seul.",
        NL: "Het wordt niet vanzelf afgedrukt.",
        EN: "It will not print by itself.",
        AR: "لن تتم طباعته وحده.",
        TR: "Kendiliğinden yazdırılmayacak.",
        ES: "No se imprimirá solo.",
    },
    "print_cancel_in_seconds": {
        FR: _p(
            "Sans réponse, il est annulé dans {n} seconde.",
            "Sans réponse, il est annulé dans {n} secondes.",
        ),
        NL: _p(
            "Zonder antwoord wordt het over {n} seconde geannuleerd.",
            "Zonder antwoord wordt het over {n} seconden geannuleerd.",
        ),
        EN: _p(
            "With no answer, it is cancelled in {n} second.",
            "With no answer, it is cancelled in {n} seconds.",
        ),
        AR: _ar(
            "بدون ردّ، سيُلغى الآن.",
            "بدون ردّ، سيُلغى بعد ثانية واحدة.",
            "بدون ردّ، سيُلغى بعد ثانيتين.",
            "بدون ردّ، سيُلغى بعد {n} ثوانٍ.",
            "بدون ردّ، سيُلغى بعد {n} ثانية.",
            "بدون ردّ، سيُلغى بعد {n} ثانية.",
        ),
        TR: _p(
            "Yanıt vermezseniz {n} saniye sonra iptal edilecek.",
            "Yanıt vermezseniz {n} saniye sonra iptal edilecek.",
        ),
        ES: _p(
            "Si no responde, se cancelará dentro de {n} segundo.",
            "Si no responde, se cancelará dentro de {n} segundos.",
        ),
    },
    "print_cancel_in_minutes": {
        FR: _p(
            "Sans réponse, il est annulé dans {n} minute.",
            "Sans réponse, il est annulé dans {n} minutes.",
        ),
        NL: _p(
            "Zonder antwoord wordt het over {n} minuut geannuleerd.",
            "Zonder antwoord wordt het over {n} minuten geannuleerd.",
        ),
        EN: _p(
            "With no answer, it is cancelled in {n} minute.",
            "With no answer, it is cancelled in {n} minutes.",
        ),
        AR: _ar(
            "بدون ردّ، سيُلغى الآن.",
            "بدون ردّ، سيُلغى بعد دقيقة واحدة.",
            "بدون ردّ، سيُلغى بعد دقيقتين.",
            "بدون ردّ، سيُلغى بعد {n} دقائق.",
            "بدون ردّ، سيُلغى بعد {n} دقيقة.",
            "بدون ردّ، سيُلغى بعد {n} دقيقة.",
        ),
        TR: _p(
            "Yanıt vermezseniz {n} dakika sonra iptal edilecek.",
            "Yanıt vermezseniz {n} dakika sonra iptal edilecek.",
        ),
        ES: _p(
            "Si no responde, se cancelará dentro de {n} minuto.",
            "Si no responde, se cancelará dentro de {n} minutos.",
        ),
    },
    "print": {
        FR: "Imprimer",
        NL: "Afdrukken",
        EN: "Print",
        AR: "طباعة",
        TR: "Yazdır",
        ES: "Imprimir",
    },
    "pages_printed": {
        FR: _p("{n} page imprimée", "{n} pages imprimées"),
        NL: _p("{n} pagina afgedrukt", "{n} pagina's afgedrukt"),
        EN: _p("{n} page printed", "{n} pages printed"),
        AR: _ar(
            "لم تُطبع أي صفحة",
            "طُبعت صفحة واحدة",
            "طُبعت صفحتان",
            "طُبعت {n} صفحات",
            "طُبعت {n} صفحة",
            "طُبعت {n} صفحة",
        ),
        TR: _p("{n} sayfa yazdırıldı", "{n} sayfa yazdırıldı"),
        ES: _p("{n} página impresa", "{n} páginas impresas"),
    },
    # -- launcher ---------------------------------------------------------------------
    "programs": {
        FR: "Programmes",
        NL: "Programma's",
        EN: "Programs",
        AR: "البرامج",
        TR: "Programlar",
        ES: "Programas",
    },
    "launcher_title": {
        FR: "Choisissez un programme",
        NL: "Kies een programma",
        EN: "Choose a program",
        AR: "اختاروا برنامجًا",
        TR: "Bir program seçin",
        ES: "Elija un programa",
    },
    "launch_failed": {
        FR: "Ce programme n'a pas pu démarrer. Demandez à un animateur.",
        NL: "Dit programma kon niet starten. Vraag het aan een begeleider.",
        EN: "This program could not start. Ask a member of staff.",
        AR: "تعذّر تشغيل هذا البرنامج. اسألوا الموظف.",
        TR: "Bu program açılamadı. Bir görevliye sorun.",
        ES: "Este programa no se pudo abrir. Pregunte a un miembro del personal.",
    },
    "app_internet": {
        FR: "Internet",
        NL: "Internet",
        EN: "Internet",
        AR: "الإنترنت",
        TR: "İnternet",
        ES: "Internet",
    },
    "app_letters": {
        FR: "Lettres et CV",
        NL: "Brieven en cv's",
        EN: "Letters and CVs",
        AR: "رسائل وسيرة ذاتية",
        TR: "Mektup ve CV",
        ES: "Cartas y CV",
    },
    "app_tables": {
        FR: "Tableaux et calculs",
        NL: "Tabellen en berekeningen",
        EN: "Tables and sums",
        AR: "جداول وحسابات",
        TR: "Tablolar ve hesaplar",
        ES: "Tablas y cálculos",
    },
    "app_slides": {
        FR: "Présentations",
        NL: "Presentaties",
        EN: "Presentations",
        AR: "عروض تقديمية",
        TR: "Sunumlar",
        ES: "Presentaciones",
    },
    "app_pdf": {
        FR: "Documents PDF",
        NL: "Pdf-documenten",
        EN: "PDF documents",
        AR: "مستندات PDF",
        TR: "PDF belgeleri",
        ES: "Documentos PDF",
    },
    "app_photos": {
        FR: "Photos et images",
        NL: "Foto's en afbeeldingen",
        EN: "Photos and pictures",
        AR: "صور",
        TR: "Fotoğraflar ve resimler",
        ES: "Fotos e imágenes",
    },
    "app_files": {
        FR: "Mes fichiers et clés USB",
        NL: "Mijn bestanden en usb-sticks",
        EN: "My files and USB sticks",
        AR: "ملفاتي ومفاتيح USB",
        TR: "Dosyalarım ve USB bellekler",
        ES: "Mis archivos y memorias USB",
    },
    "list_and": {
        FR: "et",
        NL: "en",
        EN: "and",
        AR: "و",
        TR: "ve",
        ES: "y",
    },
    # -- read aloud: no sound on this PC (beside a crossed-out loudspeaker) -------------
    "no_sound": {
        FR: "Pas de son sur cet ordinateur",
        NL: "Geen geluid op deze computer",
        EN: "No sound on this computer",
        AR: "لا يوجد صوت على هذا الحاسوب",
        TR: "Bu bilgisayarda ses yok",
        ES: "Este ordenador no tiene sonido",
    },
    # -- the receipt after a session: {time} is a short duration ("12 min") ------------
    "receipt_used": {
        FR: f"Temps utilisé{NBSP}: {{time}}",
        NL: "Gebruikte tijd: {time}",
        EN: "Time used: {time}",
        AR: "الوقت المستخدم: {time}",
        TR: "Kullanılan süre: {time}",
        ES: "Tiempo usado: {time}",
    },
    # {n} pages, {price} as on a price tag ("1,20 €").
    "receipt_printed": {
        FR: f"Pages imprimées{NBSP}: {{n}} — prix{NBSP}: {{price}}",
        NL: "Afgedrukte pagina's: {n} — prijs: {price}",
        EN: "Pages printed: {n} — price: {price}",
        AR: "الصفحات المطبوعة: {n} — السعر: {price}",
        TR: "Yazdırılan sayfa: {n} — fiyat: {price}",
        ES: "Páginas impresas: {n} — precio: {price}",
    },
    "receipt_printed_free": {
        FR: f"Pages imprimées{NBSP}: {{n}} — gratuit",
        NL: "Afgedrukte pagina's: {n} — gratis",
        EN: "Pages printed: {n} — free",
        AR: "الصفحات المطبوعة: {n} — مجانًا",
        TR: "Yazdırılan sayfa: {n} — ücretsiz",
        ES: "Páginas impresas: {n} — gratis",
    },
    # A ticket is used once: the time it had left is lost, said plainly, not as a fault.
    "receipt_ticket_left": {
        FR: f"Il restait {{time}} sur votre ticket. Un ticket ne sert qu'une fois{NBSP}: "
        "ce temps n'est pas gardé.",
        NL: "Er bleef {time} over op uw ticket. Een ticket geldt maar één keer: die tijd "
        "wordt niet bewaard.",
        EN: "{time} was left on your ticket. A ticket is used only once: this time is not kept.",
        AR: "بقي {time} على تذكرتكم. التذكرة تُستعمل مرة واحدة فقط: هذا الوقت لا يُحفظ.",
        TR: "Biletinizde {time} kalmıştı. Bilet yalnızca bir kez kullanılır: bu süre saklanmaz.",
        ES: "Quedaban {time} en su ticket. Un ticket solo sirve una vez: ese tiempo no se guarda.",
    },
    "receipt_ticket_used_up": {
        FR: "Tout le temps de votre ticket a été utilisé.",
        NL: "Alle tijd van uw ticket is gebruikt.",
        EN: "All the time on your ticket was used.",
        AR: "استُعمل كل وقت تذكرتكم.",
        TR: "Biletinizin tüm süresi kullanıldı.",
        ES: "Se ha usado todo el tiempo de su ticket.",
    },
    # The same in two words, on the crossed-out loudspeaker (the sentence is its tooltip).
    "no_sound_short": {
        FR: "Pas de son",
        NL: "Geen geluid",
        EN: "No sound",
        AR: "لا صوت",
        TR: "Ses yok",
        ES: "Sin sonido",
    },
    "staff_language": {
        FR: "Langue du menu",
        NL: "Taal van het menu",
        EN: "Menu language",
        AR: "لغة القائمة",
        TR: "Menü dili",
        ES: "Idioma del menú",
    },
    "more_below": {
        FR: "Il y a plus bas : faites glisser",
        NL: "Er staat meer onder: schuif omlaag",
        EN: "There is more below: scroll down",
        AR: "يوجد المزيد في الأسفل: اسحبوا للأسفل",
        TR: "Aşağıda devamı var: kaydırın",
        ES: "Hay más abajo: deslice hacia abajo",
    },
}

ERRORS: dict[str, Entry] = {
    "locked": {
        FR: "Cet ordinateur est bloqué. Adressez-vous à un animateur, s'il vous plaît.",
        NL: "Deze computer is vergrendeld. Vraag het aan een begeleider, alstublieft.",
        EN: "This computer is locked. Please see a member of staff.",
        AR: "هذا الحاسوب مقفل. يرجى التوجه إلى الموظف.",
        TR: "Bu bilgisayar kilitli. Lütfen bir görevliye başvurun.",
        ES: "Este ordenador está bloqueado. Hable con un miembro del personal, por favor.",
    },
    "no_session": {
        FR: "Aucune session n'est ouverte sur cet ordinateur.",
        NL: "Er loopt geen sessie op deze computer.",
        EN: "There is no session on this computer.",
        AR: "لا توجد جلسة مفتوحة على هذا الحاسوب.",
        TR: "Bu bilgisayarda açık bir oturum yok.",
        ES: "No hay ninguna sesión abierta en este ordenador.",
    },
    "mode_not_allowed": {
        FR: "Cette façon de commencer n'est pas possible ici.",
        NL: "Zo beginnen kan hier niet.",
        EN: "You cannot start this way here.",
        AR: "لا يمكن البدء بهذه الطريقة هنا.",
        TR: "Burada bu şekilde başlanamaz.",
        ES: "Aquí no se puede empezar de esta forma.",
    },
    "language_not_offered": {
        FR: "Cette langue n'est pas disponible ici.",
        NL: "Deze taal is hier niet beschikbaar.",
        EN: "This language is not available here.",
        AR: "هذه اللغة غير متوفرة هنا.",
        TR: "Bu dil burada kullanılamıyor.",
        ES: "Este idioma no está disponible aquí.",
    },
    "no_time_left": {
        FR: "Il ne vous reste plus de temps aujourd'hui. Adressez-vous à un animateur.",
        NL: "U hebt vandaag geen tijd meer. Vraag het aan een begeleider.",
        EN: "You have no time left today. Please see a member of staff.",
        AR: "لم يبقَ لكم وقت اليوم. يرجى التوجه إلى الموظف.",
        TR: "Bugün için süreniz kalmadı. Lütfen bir görevliye başvurun.",
        ES: "Hoy ya no le queda tiempo. Hable con un miembro del personal.",
    },
    "rules_changed": {
        FR: "Les règles viennent de changer. Lisez-les encore une fois, s'il vous plaît.",
        NL: "De regels zijn net veranderd. Lees ze nog eens, alstublieft.",
        EN: "The rules have just changed. Please read them again.",
        AR: "تغيّرت القواعد للتو. يرجى قراءتها مرة أخرى.",
        TR: "Kurallar az önce değişti. Lütfen onları yeniden okuyun.",
        ES: "Las normas acaban de cambiar. Léalas otra vez, por favor.",
    },
    "bad_extension": {
        FR: "Ce temps en plus n'est pas possible.",
        NL: "Deze extra tijd is niet mogelijk.",
        EN: "This extra time is not possible.",
        AR: "هذا الوقت الإضافي غير ممكن.",
        TR: "Bu ek süre mümkün değil.",
        ES: "Este tiempo extra no es posible.",
    },
    "bad_message": {
        FR: "Ce message ne peut pas être envoyé.",
        NL: "Dit bericht kan niet worden verstuurd.",
        EN: "This message cannot be sent.",
        AR: "لا يمكن إرسال هذه الرسالة.",
        TR: "Bu mesaj gönderilemiyor.",
        ES: "Este mensaje no se puede enviar.",
    },
    "ticket_typo": {
        FR: "Vérifiez le code, un chiffre est faux.",
        NL: "Controleer de code, er klopt een cijfer niet.",
        EN: "Check the code, a digit is wrong.",
        AR: "تحققوا من الرمز، أحد الأرقام خاطئ.",
        TR: "Kodu kontrol edin, bir rakam yanlış.",
        ES: "Compruebe el código, hay una cifra equivocada.",
    },
    "bad_ticket": {
        FR: "Ce code de ticket n'est pas valable. Vérifiez-le et réessayez.",
        NL: "Deze ticketcode is niet geldig. Controleer hem en probeer opnieuw.",
        EN: "This ticket code is not valid. Please check it and try again.",
        AR: "رمز التذكرة هذا غير صالح. تحققوا منه وحاولوا مرة أخرى.",
        TR: "Bu bilet kodu geçerli değil. Lütfen kontrol edip tekrar deneyin.",
        ES: "Este código de ticket no es válido. Compruébelo y vuelva a intentarlo.",
    },
    "bad_member": {
        FR: "Le numéro de carte ou le code PIN n'est pas correct. Réessayez.",
        NL: "Het kaartnummer of de pincode klopt niet. Probeer opnieuw.",
        EN: "The card number or the PIN code is not right. Please try again.",
        AR: "رقم البطاقة أو الرمز السري غير صحيح. حاولوا مرة أخرى.",
        TR: "Kart numarası veya PIN kodu yanlış. Lütfen tekrar deneyin.",
        ES: "El número de tarjeta o el código PIN no es correcto. Vuelva a intentarlo.",
    },
    "member_banned": {
        FR: "Cette carte ne peut pas être utilisée pour le moment. Adressez-vous à un animateur.",
        NL: "Deze kaart kan nu niet worden gebruikt. Vraag het aan een begeleider.",
        EN: "This card cannot be used for now. Please see a member of staff.",
        AR: "لا يمكن استخدام هذه البطاقة حاليًا. يرجى التوجه إلى الموظف.",
        TR: "Bu kart şu anda kullanılamıyor. Lütfen bir görevliye başvurun.",
        ES: "Esta tarjeta no se puede usar por ahora. Hable con un miembro del personal.",
    },
    "wrong_pin": {
        FR: "Ce code PIN n'est pas correct.",
        NL: "Deze pincode klopt niet.",
        EN: "This PIN code is not right.",
        AR: "هذا الرمز السري غير صحيح.",
        TR: "Bu PIN kodu yanlış.",
        ES: "Este código PIN no es correcto.",
    },
    "too_many_tries": {
        FR: "Trop d'essais.",
        NL: "Te veel pogingen.",
        EN: "Too many tries.",
        AR: "محاولات كثيرة جدًا.",
        TR: "Çok fazla deneme yapıldı.",
        ES: "Demasiados intentos.",
    },
    "members_unreachable": {
        FR: "Le service des membres ne répond pas pour le moment. Adressez-vous à un "
        "animateur, s'il vous plaît.",
        NL: "De ledendienst is nu niet bereikbaar. Vraag het aan een begeleider, alstublieft.",
        EN: "The member service cannot be reached right now. Please ask a member of staff.",
        AR: "لا يمكن الوصول إلى خدمة الأعضاء الآن. يرجى سؤال الموظف.",
        TR: "Üye hizmetine şu anda ulaşılamıyor. Lütfen bir görevliye sorun.",
        ES: "El servicio de socios no responde ahora. Pregunte a un miembro del personal, "
        "por favor.",
    },
    "updating": {
        FR: "Cet ordinateur est en cours de mise à jour. Il sera prêt dans quelques minutes.",
        NL: "Deze computer wordt bijgewerkt. Over een paar minuten is hij klaar.",
        EN: "This PC is being updated. It will be ready in a few minutes.",
        AR: "يجري تحديث هذا الحاسوب. سيكون جاهزًا بعد بضع دقائق.",
        TR: "Bu bilgisayar güncelleniyor. Birkaç dakika içinde hazır olacak.",
        ES: "Este ordenador se está actualizando. Estará listo en unos minutos.",
    },
    "busy": {
        FR: "L'ordinateur est occupé. Réessayez dans un instant.",
        NL: "De computer is bezig. Probeer zo dadelijk opnieuw.",
        EN: "The computer is busy. Please try again in a moment.",
        AR: "الحاسوب مشغول. حاولوا مرة أخرى بعد قليل.",
        TR: "Bilgisayar meşgul. Lütfen birazdan tekrar deneyin.",
        ES: "El ordenador está ocupado. Vuelva a intentarlo en un momento.",
    },
    "not_allowed": {
        FR: "Ce n'est pas possible pour le moment.",
        NL: "Dat kan nu niet.",
        EN: "This is not possible right now.",
        AR: "هذا غير ممكن الآن.",
        TR: "Bu şu anda mümkün değil.",
        ES: "Esto no es posible ahora.",
    },
    "bad_field": {
        FR: "Vérifiez ce que vous avez tapé, s'il vous plaît.",
        NL: "Controleer wat u hebt getypt, alstublieft.",
        EN: "Please check what you typed.",
        AR: "يرجى التحقق مما كتبتموه.",
        TR: "Lütfen yazdıklarınızı kontrol edin.",
        ES: "Compruebe lo que ha escrito, por favor.",
    },
    "too_large": {
        FR: "Ce que vous avez tapé est trop long.",
        NL: "Wat u hebt getypt, is te lang.",
        EN: "What you typed is too long.",
        AR: "ما كتبتموه طويل جدًا.",
        TR: "Yazdığınız çok uzun.",
        ES: "Lo que ha escrito es demasiado largo.",
    },
    "not_connected": {
        FR: "L'ordinateur n'est pas encore prêt. Patientez un instant.",
        NL: "De computer is nog niet klaar. Even geduld.",
        EN: "The computer is not ready yet. Please wait a moment.",
        AR: "الحاسوب ليس جاهزًا بعد. يرجى الانتظار قليلًا.",
        TR: "Bilgisayar henüz hazır değil. Lütfen biraz bekleyin.",
        ES: "El ordenador todavía no está listo. Espere un momento.",
    },
    "generic": {
        FR: "Un problème est survenu. Demandez à un animateur, s'il vous plaît.",
        NL: "Er ging iets mis. Vraag het aan een begeleider, alstublieft.",
        EN: "Something went wrong. Please ask a member of staff.",
        AR: "حدث خطأ ما. يرجى سؤال الموظف.",
        TR: "Bir sorun oluştu. Lütfen bir görevliye sorun.",
        ES: "Algo ha salido mal. Pregunte a un miembro del personal, por favor.",
    },
    # -- pairing this PC with the console (staff menu) ----------------------------------
    "already_paired": {
        FR: "Ce PC est déjà connecté à une console.",
        NL: "Deze pc is al met een console verbonden.",
        EN: "This PC is already connected to a console.",
        AR: "هذا الحاسوب مرتبط بوحدة تحكم من قبل.",
        TR: "Bu bilgisayar zaten bir konsola bağlı.",
        ES: "Este PC ya está conectado a una consola.",
    },
    "bad_console_address": {
        FR: "Cette adresse n'est pas celle d'une console. Tapez-la comme 192.168.1.10 "
        "ou 192.168.1.10:8443.",
        NL: "Dit is geen adres van een console. Typ het zoals 192.168.1.10 of 192.168.1.10:8443.",
        EN: "This is not a console's address. Type it like 192.168.1.10 or 192.168.1.10:8443.",
        AR: "هذا ليس عنوان وحدة تحكم. اكتبوه مثل 192.168.1.10 أو 192.168.1.10:8443.",
        TR: "Bu bir konsol adresi değil. 192.168.1.10 veya 192.168.1.10:8443 gibi yazın.",
        ES: "Esta no es la dirección de una consola. Escríbala como 192.168.1.10 o "
        "192.168.1.10:8443.",
    },
    "bad_pairing_code": {
        FR: "Le code a 10 lettres et chiffres, comme ABCDE-FGHJK. Tapez-le comme la console "
        "le montre.",
        NL: "De code heeft 10 letters en cijfers, zoals ABCDE-FGHJK. Typ hem zoals de console "
        "hem toont.",
        EN: "The code has 10 letters and digits, like ABCDE-FGHJK. Type it as the console "
        "shows it.",
        AR: "يتكون الرمز من 10 حروف وأرقام، مثل ABCDE-FGHJK. اكتبوه كما تعرضه وحدة التحكم.",
        TR: "Kod ABCDE-FGHJK gibi 10 harf ve rakamdan oluşur. Konsolun gösterdiği gibi yazın.",
        ES: "El código tiene 10 letras y cifras, como ABCDE-FGHJK. Escríbalo como lo muestra "
        "la consola.",
    },
    "empty_pairing_code": {
        FR: "Tapez le code affiché sur la console.",
        NL: "Typ de code die de console toont.",
        EN: "Type the code the console shows.",
        AR: "اكتبوا الرمز الظاهر على وحدة التحكم.",
        TR: "Konsolda görünen kodu yazın.",
        ES: "Escriba el código que muestra la consola.",
    },
    "empty_console_address": {
        FR: "Choisissez une console dans la liste, ou tapez son adresse.",
        NL: "Kies een console in de lijst, of typ het adres.",
        EN: "Choose a console in the list, or type its address.",
        AR: "اختاروا وحدة تحكم من القائمة، أو اكتبوا عنوانها.",
        TR: "Listeden bir konsol seçin ya da adresini yazın.",
        ES: "Elija una consola de la lista o escriba su dirección.",
    },
    "console_unreachable": {
        FR: "Aucune console ne répond à cette adresse. Vérifiez l'adresse, et que la console "
        "est allumée et sur le même réseau.",
        NL: "Geen console antwoordt op dit adres. Controleer het adres, en of de console aan "
        "staat en op hetzelfde netwerk zit.",
        EN: "No console answers at this address. Check the address, and that the console is "
        "on and on the same network.",
        AR: "لا تجيب أي وحدة تحكم على هذا العنوان. تحققوا من العنوان، ومن أن وحدة التحكم "
        "تعمل وعلى نفس الشبكة.",
        TR: "Bu adreste hiçbir konsol yanıt vermiyor. Adresi ve konsolun açık ve aynı ağda "
        "olduğunu kontrol edin.",
        ES: "Ninguna consola responde en esta dirección. Compruebe la dirección y que la "
        "consola esté encendida y en la misma red.",
    },
    "pairing_code_refused": {
        FR: "La console n'accepte pas ce code (déjà utilisé ou trop ancien). Demandez un "
        "nouveau code sur la console.",
        NL: "De console aanvaardt deze code niet (al gebruikt of te oud). Vraag een nieuwe "
        "code op de console.",
        EN: "The console does not accept this code (used already, or too old). Ask for a new "
        "code on the console.",
        AR: "لا تقبل وحدة التحكم هذا الرمز (مستخدم من قبل أو قديم). اطلبوا رمزًا جديدًا "
        "على وحدة التحكم.",
        TR: "Konsol bu kodu kabul etmiyor (kullanılmış ya da çok eski). Konsoldan yeni bir "
        "kod isteyin.",
        ES: "La consola no acepta este código (ya usado o demasiado antiguo). Pida un código "
        "nuevo en la consola.",
    },
    "pairing_not_proved": {
        FR: f"Le code ne correspond pas à celui de la console{NBSP}: il a sans doute été mal "
        f"tapé. Rien n'a été enregistré et ce code ne sert plus{NBSP}: demandez un nouveau "
        "code sur la console et tapez-le avec soin. Si un nouveau code échoue aussi, "
        "prévenez la personne qui gère le réseau.",
        NL: "De code past niet bij die van de console: hij werd wellicht verkeerd getypt. Er "
        "werd niets bewaard en deze code werkt niet meer: vraag een nieuwe code op de console "
        "en typ hem zorgvuldig. Mislukt ook een nieuwe code, verwittig dan wie het netwerk "
        "beheert.",
        EN: "The code does not match the console's: it was probably mistyped. Nothing was "
        "saved and this code no longer works: ask for a new code on the console and type it "
        "with care. If a new code fails too, tell whoever runs the network.",
        AR: "الرمز لا يطابق رمز وحدة التحكم: ربما كُتب بشكل خاطئ. لم يُحفظ شيء ولم يعد هذا "
        "الرمز صالحًا: اطلبوا رمزًا جديدًا على وحدة التحكم واكتبوه بعناية. إذا فشل رمز جديد "
        "أيضًا، أخبروا المسؤول عن الشبكة.",
        TR: "Kod, konsolun koduyla uyuşmuyor: büyük olasılıkla yanlış yazıldı. Hiçbir şey "
        "kaydedilmedi ve bu kod artık çalışmıyor: konsoldan yeni bir kod isteyin ve dikkatle "
        "yazın. Yeni bir kod da işe yaramazsa ağı yöneten kişiye haber verin.",
        ES: "El código no coincide con el de la consola: probablemente se escribió mal. No se "
        "ha guardado nada y este código ya no sirve: pida un código nuevo en la consola y "
        "escríbalo con cuidado. Si un código nuevo también falla, avise a quien gestiona la "
        "red.",
    },
    "pairing_in_the_middle": {
        FR: f"Le code était bon, mais une autre machine se place entre ce PC et la "
        f"console{NBSP}: le PC a refusé de s'y fier. Rien n'a été enregistré. Ne réessayez "
        "pas{NBSP}: prévenez la personne qui gère le réseau.",
        NL: "De code was juist, maar een andere machine staat tussen deze pc en de console: "
        "de pc vertrouwt ze niet. Er werd niets bewaard. Probeer niet opnieuw: verwittig wie "
        "het netwerk beheert.",
        EN: "The code was right, but another machine stands between this PC and the console: "
        "the PC refused to trust it. Nothing was saved. Do not try again: tell whoever runs "
        "the network.",
        AR: "كان الرمز صحيحًا، لكن يوجد جهاز آخر بين هذا الحاسوب ووحدة التحكم: رفض الحاسوب "
        "الوثوق به. لم يُحفظ شيء. لا تحاولوا مرة أخرى: أخبروا المسؤول عن الشبكة.",
        TR: "Kod doğruydu, ancak bu bilgisayarla konsol arasında başka bir makine var: "
        "bilgisayar ona güvenmedi. Hiçbir şey kaydedilmedi. Yeniden denemeyin: ağı yöneten "
        "kişiye haber verin.",
        ES: "El código era correcto, pero hay otra máquina entre este PC y la consola: el PC "
        "no ha confiado en ella. No se ha guardado nada. No lo intente de nuevo: avise a quien "
        "gestiona la red.",
    },
    "pc_name_taken": {
        FR: "La console a déjà un PC de ce nom. Retirez l'ancien sur la console, puis "
        "demandez un nouveau code.",
        NL: "De console heeft al een pc met deze naam. Verwijder de oude op de console en "
        "vraag dan een nieuwe code.",
        EN: "The console already has a PC of this name. Remove the old one on the console, "
        "then ask for a new code.",
        AR: "لدى وحدة التحكم حاسوب بهذا الاسم من قبل. احذفوا القديم على وحدة التحكم، ثم "
        "اطلبوا رمزًا جديدًا.",
        TR: "Konsolda bu adda bir bilgisayar zaten var. Eskisini konsoldan kaldırın, sonra "
        "yeni bir kod isteyin.",
        ES: "La consola ya tiene un PC con este nombre. Quite el antiguo en la consola y "
        "luego pida un código nuevo.",
    },
    "pairing_failed": {
        FR: "La connexion à la console n'a pas abouti. Réessayez avec un nouveau code.",
        NL: "De verbinding met de console is niet gelukt. Probeer opnieuw met een nieuwe code.",
        EN: "Connecting to the console did not work. Try again with a new code.",
        AR: "لم ينجح الربط بوحدة التحكم. حاولوا مرة أخرى برمز جديد.",
        TR: "Konsola bağlanılamadı. Yeni bir kodla tekrar deneyin.",
        ES: "La conexión con la consola no ha funcionado. Vuelva a intentarlo con un código nuevo.",
    },
    # -- a form sent empty: what to type, found in the shell, never sent ---------------
    "empty_ticket": {
        FR: "Tapez le code de votre ticket avec les chiffres, puis appuyez sur OK.",
        NL: "Typ de code van uw ticket met de cijfers en druk dan op OK.",
        EN: "Type the code of your ticket with the digits, then press OK.",
        AR: "اكتبوا رمز تذكرتكم بالأرقام، ثم اضغطوا على موافق.",
        TR: "Biletinizin kodunu rakamlarla yazın, sonra Tamam'a basın.",
        ES: "Escriba el código de su ticket con las cifras y pulse Aceptar.",
    },
    "empty_card": {
        FR: "Tapez le numéro de votre carte de membre, puis votre code PIN.",
        NL: "Typ het nummer van uw ledenkaart en dan uw pincode.",
        EN: "Type the number of your member card, then your PIN code.",
        AR: "اكتبوا رقم بطاقة العضوية، ثم الرمز السري.",
        TR: "Üye kartınızın numarasını, sonra PIN kodunuzu yazın.",
        ES: "Escriba el número de su tarjeta de socio y luego su código PIN.",
    },
    "empty_pin": {
        FR: "Tapez maintenant votre code PIN.",
        NL: "Typ nu uw pincode.",
        EN: "Now type your PIN code.",
        AR: "اكتبوا الآن الرمز السري.",
        TR: "Şimdi PIN kodunuzu yazın.",
        ES: "Ahora escriba su código PIN.",
    },
    "empty_staff_pin": {
        FR: "Tapez le code PIN des animateurs.",
        NL: "Typ de pincode van de begeleiders.",
        EN: "Type the staff PIN code.",
        AR: "اكتبوا الرمز السري للموظفين.",
        TR: "Görevli PIN kodunu yazın.",
        ES: "Escriba el código PIN del personal.",
    },
}
# Codes that only a bug or a version mismatch can cause: the visitor can do nothing about
# them but ask staff, so they say exactly that.
for _code in ("malformed", "internal", "unknown_type", "bad_version"):
    ERRORS[_code] = ERRORS["generic"]

WEEKDAYS: Mapping[Language, tuple[str, ...]] = {
    FR: ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    NL: ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    AR: ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    TR: ("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"),
    ES: ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}

ERASED_KINDS = tuple(kind.value for kind in ErasedKind)
"""Kinds of things a wipe reports that have their own words; others are 'other items'."""


def _pick(entry: Entry, language: Language, n: int | None) -> str:
    text = entry.get(language) or entry[Language.EN]
    if isinstance(text, str):
        return text
    if n is None:
        raise ValueError("a plural text needs n")
    return text.get(plural_category(language, n)) or text["other"]


def tr(key: str, language: Language, **values: object) -> str:
    """The text ``key`` in ``language`` with ``values`` filled in (``n`` picks the plural).

    An unknown key is a bug in the shell and raises KeyError.
    """
    n = values.get("n")
    text = _pick(STRINGS[key], language, n if isinstance(n, int) else None)
    return text.format(**values) if values else text


def error_text(code: str, language: Language, retry_after: int | None = None) -> str:
    """The sentence for an error code, never the code itself; unknown codes get a generic one."""
    entry = ERRORS.get(code)
    if entry is None:
        log.warning("no sentence for error code %r", code)
        entry = ERRORS["generic"]
    text = _pick(entry, language, None)
    if retry_after is not None and retry_after > 0:
        if retry_after < 120:
            text += " " + tr("try_again_seconds", language, n=retry_after)
        else:
            text += " " + tr("try_again_minutes", language, n=-(-retry_after // 60))
    return text


def time_left(seconds: int, language: Language, short: bool = False) -> str:
    """'12 minutes left' (whole minutes, rounded up) or, under a minute, '45 seconds left'.

    ``short``: only the count, '12 min' or '45 s', for a bar with no room for a sentence.
    """
    seconds = max(0, seconds)
    if seconds < 60:
        return tr("seconds_short" if short else "seconds_left", language, n=seconds)
    # Rounded up, so the bar never says "0 minutes" while time remains.
    return tr("minutes_short" if short else "minutes_left", language, n=-(-seconds // 60))


def join_list(items: list[str], language: Language) -> str:
    """'a, b and c' with the language's comma and word for 'and'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    conj = tr("list_and", language)
    if language is Language.AR:
        # Arabic joins every item with "و" attached to the next word, after the Arabic comma.
        return "، ".join([items[0], *(conj + item for item in items[1:])])
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def erased_summary(erased: Mapping[str, int], language: Language) -> str:
    """What a wipe erased in plain words, e.g. '12 files, 1 download and browser history'."""
    parts: list[str] = []
    other = 0
    for kind, count in erased.items():
        if count <= 0:
            continue
        if kind == ErasedKind.BROWSER:
            parts.append(tr("erased_browser", language))
        elif kind in ERASED_KINDS:
            parts.append(tr(f"erased_{kind}", language, n=count))
        else:
            other += count
    if other:
        parts.append(tr("erased_other", language, n=other))
    if not parts:
        return tr("done_nothing", language)
    return tr("done_erased", language, items=join_list(parts, language))


def receipt_lines(summary: SummaryView, language: Language) -> list[tuple[str, str]]:
    """The receipt of a session as (pictogram, sentence) pairs: time used, printing (when
    known), and for a ticket what was left on it."""
    used = time_left(summary.seconds_used, language, short=True)
    lines = [("clock", tr("receipt_used", language, time=used))]
    pages = summary.pages_printed
    if pages is not None:
        if summary.cost_cents > 0:
            price = money(summary.cost_cents, summary.currency, language)
            lines.append(("printer", tr("receipt_printed", language, n=pages, price=price)))
        else:
            lines.append(("printer", tr("receipt_printed_free", language, n=pages)))
    unused = summary.ticket_unused_seconds
    if unused is not None:
        if unused >= 60:
            left = time_left(unused, language, short=True)
            lines.append(("ticket", tr("receipt_ticket_left", language, time=left)))
        else:
            lines.append(("ticket", tr("receipt_ticket_used_up", language)))
    return lines


def opens_again(opens_at: str | None, language: Language) -> str:
    """When a closed room opens again: 'HH:MM' today or 'YYYY-MM-DD HH:MM' another day."""
    if not opens_at:
        return tr("closed_no_time", language)
    day_text, _, time_text = opens_at.strip().rpartition(" ")
    if not day_text:
        return tr("closed_opens_at", language, time=time_text)
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        log.warning("cannot read opening day %r", opens_at)
        return tr("closed_no_time", language)
    name = WEEKDAYS[language][day.weekday()]
    return tr("closed_opens_on", language, day=f"{name} {day.day}/{day.month}", time=time_text)


CURRENCY_SYMBOLS: Mapping[str, str] = {"EUR": "€"}
"""Currencies shown by their sign; any other is shown by its ISO code."""


def money(cents: int, currency: str, language: Language) -> str:
    """A price as visitors read it on price tags: '1,20 €' (or '€1.20' in English)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if language is Language.EN:
        amount = f"{units}.{rest:02d}"
        joiner = "" if symbol != currency else NBSP
        return f"{sign}{symbol}{joiner}{amount}"
    # Arabic keeps the shell's Western digits and, like every price tag in Brussels, the
    # decimal comma (as in the Maghreb, where most Arabic-reading visitors learnt to count).
    return f"{sign}{units},{rest:02d}{NBSP}{symbol}"


def pages_on_sheets(pages: int, sheets: int, language: Language) -> str:
    """'3 pages on 2 sheets', each count in its own plural form."""
    return tr(
        "print_pages_on_sheets",
        language,
        pages=tr("print_pages", language, n=pages),
        sheets=tr("print_sheets", language, n=sheets),
    )


def print_cancel_in(seconds: int, language: Language) -> str:
    """When an unanswered print job is cancelled: whole minutes (rounded up), then seconds.

    Minutes first so that the line does not tick under the visitor's eyes while they read.
    """
    seconds = max(0, seconds)
    if seconds < 60:
        return tr("print_cancel_in_seconds", language, n=seconds)
    return tr("print_cancel_in_minutes", language, n=-(-seconds // 60))
