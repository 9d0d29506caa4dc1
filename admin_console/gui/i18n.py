"""Every sentence the console GUI shows, in French (first), Dutch and English.

Staff texts: short, plain words for animators who may be new in the job. French puts a
no-break space before ``:`` and ``?``. A counted text has a ``.one`` and an ``.other`` form;
``{n}`` is the count.
"""

from __future__ import annotations

from collections.abc import Mapping

from policies import Language

FR, NL, EN = Language.FR, Language.NL, Language.EN
STAFF_LANGUAGES = (FR, NL, EN)
NBSP = "\u00a0"

TEXTS: Mapping[str, Mapping[Language, str]] = {
    # -- login -------------------------------------------------------------------------
    "app.title": {FR: "Console EPN", NL: "EPN-console", EN: "EPN console"},
    "login.title": {
        FR: "Connexion du personnel",
        NL: "Aanmelden personeel",
        EN: "Staff login",
    },
    "login.username": {FR: "Identifiant", NL: "Gebruikersnaam", EN: "Username"},
    "login.password": {FR: "Mot de passe", NL: "Wachtwoord", EN: "Password"},
    "login.submit": {FR: "Se connecter", NL: "Aanmelden", EN: "Log in"},
    "login.busy": {FR: "Connexion…", NL: "Bezig met aanmelden…", EN: "Logging in…"},
    "login.console": {FR: "Console{nbsp}: {url}", NL: "Console: {url}", EN: "Console: {url}"},
    "login.missing": {
        FR: "Entrez votre identifiant et votre mot de passe.",
        NL: "Vul uw gebruikersnaam en wachtwoord in.",
        EN: "Enter your username and password.",
    },
    "login.wrong": {
        FR: "Identifiant ou mot de passe incorrect. Après 5 essais, le compte est bloqué "
        "15 minutes.",
        NL: "Gebruikersnaam of wachtwoord klopt niet. Na 5 pogingen wordt het account "
        "15 minuten geblokkeerd.",
        EN: "Wrong username or password. After 5 tries the account is locked for 15 minutes.",
    },
    "login.locked.one": {
        FR: "Trop d'essais{nbsp}: le compte est bloqué. Réessayez dans {n} minute.",
        NL: "Te veel pogingen: het account is geblokkeerd. Probeer opnieuw over {n} minuut.",
        EN: "Too many tries: the account is locked. Try again in {n} minute.",
    },
    "login.locked.other": {
        FR: "Trop d'essais{nbsp}: le compte est bloqué. Réessayez dans {n} minutes.",
        NL: "Te veel pogingen: het account is geblokkeerd. Probeer opnieuw over {n} minuten.",
        EN: "Too many tries: the account is locked. Try again in {n} minutes.",
    },
    "login.forbidden": {
        FR: "Ce compte n'a pas accès à la salle. Demandez à un responsable.",
        NL: "Dit account heeft geen toegang tot de zaal. Vraag het aan een verantwoordelijke.",
        EN: "This account cannot see the room. Ask a manager.",
    },
    "net.unreachable": {
        FR: "La console ne répond pas. Vérifiez le réseau ou que le serveur tourne, "
        "puis réessayez.",
        NL: "De console antwoordt niet. Controleer het netwerk of de server, en probeer opnieuw.",
        EN: "The console does not answer. Check the network or that the server runs, "
        "then try again.",
    },
    "net.tls_mismatch": {
        FR: "Connexion refusée{nbsp}: le certificat de la console ne correspond pas à "
        "l'empreinte attendue. Prévenez l'administrateur.",
        NL: "Verbinding geweigerd: het certificaat van de console komt niet overeen met de "
        "verwachte vingerafdruk. Verwittig de beheerder.",
        EN: "Connection refused: the console's certificate does not match the expected "
        "fingerprint. Tell the administrator.",
    },
    "net.error": {
        FR: "La console a répondu par une erreur{nbsp}: {detail}",
        NL: "De console gaf een fout: {detail}",
        EN: "The console answered with an error: {detail}",
    },
    # -- room --------------------------------------------------------------------------
    "room.title": {FR: "La salle", NL: "De zaal", EN: "The room"},
    "room.user": {FR: "Connecté{nbsp}: {user}", NL: "Aangemeld: {user}", EN: "Logged in: {user}"},
    "room.live": {FR: "En direct", NL: "Live", EN: "Live"},
    "room.reconnecting": {
        FR: "Connexion perdue, reconnexion…",
        NL: "Verbinding verloren, opnieuw verbinden…",
        EN: "Connection lost, reconnecting…",
    },
    "room.empty": {
        FR: "Aucun PC n'est inscrit à cette console.",
        NL: "Er is geen pc ingeschreven bij deze console.",
        EN: "No PC is enrolled with this console.",
    },
    "room.logout": {FR: "Se déconnecter", NL: "Afmelden", EN: "Log out"},
    "room.expired": {
        FR: "Votre connexion a expiré{nbsp}: reconnectez-vous.",
        NL: "Uw aanmelding is verlopen: meld u opnieuw aan.",
        EN: "Your login has expired: log in again.",
    },
    "select.all": {FR: "Tout sélectionner", NL: "Alles selecteren", EN: "Select all"},
    "select.none": {FR: "Désélectionner", NL: "Niets selecteren", EN: "Select none"},
    "select.count.one": {
        FR: "{n} PC sélectionné",
        NL: "{n} pc geselecteerd",
        EN: "{n} PC selected",
    },
    "select.count.other": {
        FR: "{n} PC sélectionnés",
        NL: "{n} pc's geselecteerd",
        EN: "{n} PCs selected",
    },
    "select.hint": {
        FR: "Touchez un ou plusieurs PC pour agir.",
        NL: "Tik op een of meer pc's om iets te doen.",
        EN: "Tap one or more PCs to act on them.",
    },
    # -- tile states -------------------------------------------------------------------
    "state.free": {FR: "Libre", NL: "Vrij", EN: "Free"},
    "state.rules": {
        FR: "Lit le règlement",
        NL: "Leest het reglement",
        EN: "Reading the house rules",
    },
    "state.session": {FR: "En session", NL: "In sessie", EN: "In session"},
    "state.idle": {FR: "Inactif", NL: "Inactief", EN: "Idle"},
    "state.help": {FR: "Demande de l'aide{nbsp}!", NL: "Vraagt hulp!", EN: "Asking for help!"},
    "state.locked": {FR: "Verrouillé", NL: "Vergrendeld", EN: "Locked"},
    "state.offline": {FR: "Hors ligne", NL: "Offline", EN: "Offline"},
    "state.ending": {FR: "Fin de session", NL: "Sessie stopt", EN: "Session ending"},
    "state.wiping": {FR: "Effacement…", NL: "Wissen…", EN: "Wiping…"},
    "state.connecting": {
        FR: "Connecté, en attente",
        NL: "Verbonden, wacht",
        EN: "Connected, waiting",
    },
    "left.under_minute": {
        FR: "moins d'une minute",
        NL: "minder dan een minuut",
        EN: "less than a minute left",
    },
    "left.minutes.one": {FR: "{n} min restante", NL: "nog {n} min", EN: "{n} min left"},
    "left.minutes.other": {FR: "{n} min restantes", NL: "nog {n} min", EN: "{n} min left"},
    "left.hours": {
        FR: "{h} h {m:02d} restantes",
        NL: "nog {h} u {m:02d}",
        EN: "{h} h {m:02d} left",
    },
    "kind.walk_in": {FR: "accès libre", NL: "vrije toegang", EN: "walk-in"},
    "kind.ticket": {FR: "ticket", NL: "ticket", EN: "ticket"},
    "kind.member": {FR: "membre", NL: "lid", EN: "member"},
    "kind.workshop": {FR: "atelier", NL: "workshop", EN: "workshop"},
    "seen.at": {FR: "vu à {time}", NL: "gezien om {time}", EN: "seen at {time}"},
    "seen.never": {FR: "jamais connecté", NL: "nooit verbonden", EN: "never connected"},
    # -- actions -----------------------------------------------------------------------
    "action.extend15": {FR: "+15 min", NL: "+15 min", EN: "+15 min"},
    "action.extend30": {FR: "+30 min", NL: "+30 min", EN: "+30 min"},
    "action.extend_custom": {FR: "+ … min", NL: "+ … min", EN: "+ … min"},
    "action.end": {FR: "Terminer", NL: "Beëindigen", EN: "End"},
    "action.lock": {FR: "Verrouiller", NL: "Vergrendelen", EN: "Lock"},
    "action.unlock": {FR: "Déverrouiller", NL: "Ontgrendelen", EN: "Unlock"},
    "action.message": {FR: "Message", NL: "Bericht", EN: "Message"},
    "action.confirm": {FR: "Confirmer", NL: "Bevestigen", EN: "Confirm"},
    "action.cancel": {FR: "Annuler", NL: "Annuleren", EN: "Cancel"},
    "ask.minutes": {
        FR: "Ajouter combien de minutes{nbsp}?",
        NL: "Hoeveel minuten erbij?",
        EN: "Add how many minutes?",
    },
    "ask.reason": {
        FR: "Pourquoi terminer la session{nbsp}? (noté dans le journal)",
        NL: "Waarom de sessie beëindigen? (komt in het logboek)",
        EN: "Why end the session? (written in the log)",
    },
    "ask.message": {
        FR: "Message à afficher sur le PC{nbsp}:",
        NL: "Bericht om op de pc te tonen:",
        EN: "Message to show on the PC:",
    },
    "ask.empty": {
        FR: "Écrivez d'abord un texte.",
        NL: "Schrijf eerst een tekst.",
        EN: "Write a text first.",
    },
    "reason.rules": {
        FR: "Non-respect du règlement",
        NL: "Reglement niet nageleefd",
        EN: "House rules not respected",
    },
    "reason.closing": {
        FR: "Fermeture de l'EPN",
        NL: "Sluiting van de EPN",
        EN: "The EPN is closing",
    },
    "reason.asked": {
        FR: "À la demande du visiteur",
        NL: "Op vraag van de bezoeker",
        EN: "The visitor asked",
    },
    "reason.other": {FR: "Autre raison", NL: "Andere reden", EN: "Other reason"},
    # -- results -----------------------------------------------------------------------
    "results.title": {FR: "Résultats", NL: "Resultaten", EN: "Results"},
    "verb.extend": {FR: "+{minutes} min", NL: "+{minutes} min", EN: "+{minutes} min"},
    "verb.end": {FR: "terminer", NL: "beëindigen", EN: "end"},
    "verb.lock": {FR: "verrouiller", NL: "vergrendelen", EN: "lock"},
    "verb.unlock": {FR: "déverrouiller", NL: "ontgrendelen", EN: "unlock"},
    "verb.message": {FR: "message", NL: "bericht", EN: "message"},
    "result.sending": {FR: "envoi…", NL: "verzenden…", EN: "sending…"},
    "result.done": {FR: "fait", NL: "gedaan", EN: "done"},
    "result.offline": {
        FR: "hors ligne{nbsp}: rien n'a été envoyé",
        NL: "offline: niets verzonden",
        EN: "offline: nothing was sent",
    },
    "result.pending": {
        FR: "envoyé, pas encore de réponse du PC",
        NL: "verzonden, nog geen antwoord van de pc",
        EN: "sent, no answer from the PC yet",
    },
    "result.refused": {
        FR: "refusé{nbsp}: {reason}",
        NL: "geweigerd: {reason}",
        EN: "refused: {reason}",
    },
    "result.failed": {FR: "échec{nbsp}: {reason}", NL: "mislukt: {reason}", EN: "failed: {reason}"},
    "refusal.no_session": {
        FR: "pas de session en cours",
        NL: "geen lopende sessie",
        EN: "no session running",
    },
    "refusal.unknown": {FR: "sans raison donnée", NL: "zonder reden", EN: "no reason given"},
}


def text(key: str, language: Language, **values: object) -> str:
    """The sentence ``key`` in ``language`` (French if missing there), filled with ``values``."""
    entry = TEXTS[key]
    template = entry.get(language) or entry[FR]
    return template.format(nbsp=NBSP, **values)


def counted(key: str, language: Language, n: int) -> str:
    """The counted sentence ``key`` (``.one`` or ``.other`` form) for ``n``."""
    form = "one" if n == 1 or (language is FR and n == 0) else "other"
    return text(f"{key}.{form}", language, n=n)
