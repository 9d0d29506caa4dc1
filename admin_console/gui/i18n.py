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
        FR: "Identifiant ou mot de passe incorrect. Après 3 essais, il faut attendre un peu "
        "avant de réessayer.",
        NL: "Gebruikersnaam of wachtwoord klopt niet. Na 3 pogingen moet u even wachten.",
        EN: "Wrong username or password. After 3 tries you must wait a little.",
    },
    "login.locked.one": {
        FR: "Trop d'essais depuis cet ordinateur. Réessayez dans {n} minute.",
        NL: "Te veel pogingen vanaf deze computer. Probeer opnieuw over {n} minuut.",
        EN: "Too many tries from this computer. Try again in {n} minute.",
    },
    "login.locked.other": {
        FR: "Trop d'essais depuis cet ordinateur. Réessayez dans {n} minutes.",
        NL: "Te veel pogingen vanaf deze computer. Probeer opnieuw over {n} minuten.",
        EN: "Too many tries from this computer. Try again in {n} minutes.",
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
    "net.bad_reply": {
        FR: "La console a envoyé une réponse que cette fenêtre ne comprend pas. Elle n'a "
        "peut-être pas la même version{nbsp}: prévenez l'administrateur.",
        NL: "De console stuurde een antwoord dat dit venster niet begrijpt. Misschien is het "
        "niet dezelfde versie: verwittig de beheerder.",
        EN: "The console sent an answer this window does not understand. It may not be the "
        "same version: tell the administrator.",
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
    # -- a new PC's pairing code ---------------------------------------------------------
    "pairing.open": {
        FR: "Connecter un nouveau PC",
        NL: "Een nieuwe pc koppelen",
        EN: "Connect a new PC",
    },
    "pairing.title": {
        FR: "Code pour connecter un nouveau PC",
        NL: "Code om een nieuwe pc te koppelen",
        EN: "Code to connect a new PC",
    },
    "pairing.asking": {
        FR: "Demande d'un code à la console…",
        NL: "Code aan de console vragen…",
        EN: "Asking the console for a code…",
    },
    "pairing.until": {
        FR: "Valable jusqu'à {time}",
        NL: "Geldig tot {time}",
        EN: "Valid until {time}",
    },
    "pairing.how": {
        FR: "Sur le nouveau PC{nbsp}: la clé en bas à droite («{nbsp}Animateur{nbsp}»), votre "
        "code PIN, «{nbsp}Connecter ce PC à la console{nbsp}», puis tapez ce code.",
        NL: "Op de nieuwe pc: de sleutel rechtsonder („Begeleider”), uw pincode, „Deze pc met "
        "de console verbinden”, typ dan deze code.",
        EN: "On the new PC: the key at the bottom right (“Staff”), your PIN code, “Connect "
        "this PC to the console”, then type this code.",
    },
    "pairing.again": {FR: "Nouveau code", NL: "Nieuwe code", EN: "New code"},
    "pairing.close": {FR: "Fermer", NL: "Sluiten", EN: "Close"},
    "pairing.forbidden": {
        FR: "Seul un administrateur peut connecter un nouveau PC.",
        NL: "Alleen een beheerder kan een nieuwe pc koppelen.",
        EN: "Only an administrator can connect a new PC.",
    },
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
    "state.updating": {FR: "Mise à jour…", NL: "Update…", EN: "Updating…"},
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
    "tile.left_behind": {FR: "pas à jour", NL: "verouderd", EN: "outdated"},
    "tile.left_behind_why": {
        FR: "Ce PC a la version {version}{nbsp}: sa mise à jour ne lui est pas parvenue.",
        NL: "Deze pc heeft versie {version}: de update is niet aangekomen.",
        EN: "This PC runs version {version}: its update has not reached it.",
    },
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
    # Pairing refusals: said at the PC's own staff screen; here only if a PC ever reports one.
    "refusal.already_paired": {
        FR: "ce PC est déjà connecté à une console",
        NL: "deze pc is al met een console verbonden",
        EN: "this PC is already connected to a console",
    },
    "refusal.bad_console_address": {
        FR: "l'adresse de la console n'est pas valable",
        NL: "het adres van de console is niet geldig",
        EN: "the console's address is not valid",
    },
    "refusal.bad_pairing_code": {
        FR: "le code n'a pas la bonne forme (ABCDE-FGHJK)",
        NL: "de code heeft niet de juiste vorm (ABCDE-FGHJK)",
        EN: "the code is not of the right form (ABCDE-FGHJK)",
    },
    "refusal.console_unreachable": {
        FR: "la console ne répond pas",
        NL: "de console antwoordt niet",
        EN: "the console does not answer",
    },
    "refusal.pairing_code_refused": {
        FR: "la console refuse ce code (déjà utilisé ou trop vieux)",
        NL: "de console weigert deze code (al gebruikt of te oud)",
        EN: "the console refuses this code (used already or too old)",
    },
    "refusal.pairing_not_proved": {
        FR: "le code ne correspond pas (sans doute mal tapé)",
        NL: "de code past niet (wellicht verkeerd getypt)",
        EN: "the code does not match (probably mistyped)",
    },
    "refusal.pairing_in_the_middle": {
        FR: "code bon, mais une autre machine entre le PC et la console",
        NL: "code juist, maar een andere machine tussen de pc en de console",
        EN: "code right, but another machine between the PC and the console",
    },
    "refusal.pc_name_taken": {
        FR: "un autre PC porte déjà ce nom",
        NL: "een andere pc heeft die naam al",
        EN: "another PC already has this name",
    },
    "refusal.pairing_failed": {
        FR: "la connexion à la console a échoué",
        NL: "de verbinding met de console is mislukt",
        EN: "connecting to the console failed",
    },
    "state.out_of_order": {FR: "Hors service", NL: "Buiten dienst", EN: "Out of order"},
    # -- refusals: a stable code from the PC or the console, said in staff's words ----
    "refusal.locked": {
        FR: "le PC est verrouillé",
        NL: "de pc is vergrendeld",
        EN: "the PC is locked",
    },
    "refusal.mode_not_allowed": {
        FR: "ce mode de connexion n'est pas permis par le règlement",
        NL: "deze manier van aanmelden is niet toegelaten",
        EN: "this way of logging in is not allowed by the policy",
    },
    "refusal.language_not_offered": {
        FR: "cette langue n'est pas proposée",
        NL: "deze taal wordt niet aangeboden",
        EN: "this language is not offered",
    },
    "refusal.no_time_left": {
        FR: "plus de temps disponible aujourd'hui (ou l'EPN ferme)",
        NL: "geen tijd meer vandaag (of de EPN sluit)",
        EN: "no time left today (or the EPN is closing)",
    },
    "refusal.rules_changed": {
        FR: "le règlement a changé pendant la lecture",
        NL: "het reglement is intussen gewijzigd",
        EN: "the house rules changed meanwhile",
    },
    "refusal.bad_extension": {
        FR: "prolongation trop longue pour le règlement",
        NL: "verlenging te lang volgens het reglement",
        EN: "extension longer than the policy allows",
    },
    "refusal.bad_message": {
        FR: "message vide ou trop long",
        NL: "bericht leeg of te lang",
        EN: "message empty or too long",
    },
    "refusal.bad_ticket": {
        FR: "code de ticket inconnu, déjà utilisé ou expiré",
        NL: "ticketcode onbekend, al gebruikt of verlopen",
        EN: "ticket code unknown, already used or expired",
    },
    "refusal.ticket_typo": {
        FR: "code de ticket mal tapé (un chiffre est faux)",
        NL: "ticketcode verkeerd getypt (een cijfer klopt niet)",
        EN: "ticket code mistyped (a digit is wrong)",
    },
    "refusal.bad_member": {
        FR: "carte de membre inconnue",
        NL: "onbekende lidkaart",
        EN: "unknown member card",
    },
    "refusal.member_banned": {
        FR: "ce membre est exclu pour le moment",
        NL: "dit lid is momenteel geschorst",
        EN: "this member is banned for now",
    },
    "refusal.wrong_pin": {FR: "code PIN incorrect", NL: "verkeerde pincode", EN: "wrong PIN"},
    "refusal.too_many_tries": {
        FR: "trop d'essais{nbsp}: réessayez dans quelques minutes",
        NL: "te veel pogingen: probeer over enkele minuten opnieuw",
        EN: "too many tries: try again in a few minutes",
    },
    "refusal.members_unreachable": {
        FR: "la console des membres est injoignable depuis ce PC",
        NL: "de ledenconsole is niet bereikbaar vanaf deze pc",
        EN: "the PC cannot reach the console that keeps the members",
    },
    "refusal.busy": {
        FR: "le PC est occupé (il redémarre ou s'arrête)",
        NL: "de pc is bezig (hij herstart of stopt)",
        EN: "the PC is busy (restarting or stopping)",
    },
    "refusal.in_session": {
        FR: "un visiteur est en session",
        NL: "er zit een bezoeker in een sessie",
        EN: "a visitor is in session",
    },
    "refusal.updating": {
        FR: "le PC installe une mise à jour, réessayez dans quelques minutes",
        NL: "de pc installeert een update, probeer over enkele minuten opnieuw",
        EN: "the PC is installing an update, try again in a few minutes",
    },
    "refusal.wiping": {
        FR: "le PC efface la session précédente, réessayez dans un instant",
        NL: "de pc wist de vorige sessie, probeer zo meteen opnieuw",
        EN: "the PC is erasing the last session, try again in a moment",
    },
    "refusal.not_allowed": {
        FR: "impossible dans l'état actuel du PC",
        NL: "niet mogelijk in de huidige toestand van de pc",
        EN: "not possible in the PC's current state",
    },
    "refusal.offline": {
        FR: "le PC est hors ligne{nbsp}: rien n'a été envoyé",
        NL: "de pc is offline: niets verzonden",
        EN: "the PC is offline: nothing was sent",
    },
    "refusal.out_of_order": {
        FR: "le PC est hors service",
        NL: "de pc is buiten dienst",
        EN: "the PC is out of order",
    },
    "refusal.bad_field": {
        FR: "une valeur de la demande est incorrecte",
        NL: "een waarde in de vraag klopt niet",
        EN: "a value in the request is wrong",
    },
    "refusal.bad_policy": {
        FR: "le PC refuse ce règlement et garde l'ancien",
        NL: "de pc weigert dit reglement en houdt het vorige",
        EN: "the PC refuses this policy and keeps the previous one",
    },
    "refusal.internal_error": {
        FR: "erreur interne du PC (voir son journal)",
        NL: "interne fout van de pc (zie zijn logboek)",
        EN: "internal error on the PC (see its log)",
    },
    "refusal.forbidden": {
        FR: "votre compte n'a pas ce droit",
        NL: "uw account heeft dit recht niet",
        EN: "your account may not do this",
    },
    "refusal.not_found": {
        FR: "introuvable (supprimé entre-temps{nbsp}?)",
        NL: "niet gevonden (intussen verwijderd?)",
        EN: "not found (removed meanwhile?)",
    },
    "refusal.conflict": {
        FR: "existe déjà ou déjà fait",
        NL: "bestaat al of is al gedaan",
        EN: "already exists or already done",
    },
    "refusal.already_taken": {
        FR: "déjà pris en charge par un collègue",
        NL: "al opgenomen door een collega",
        EN: "already taken by a colleague",
    },
    # -- a field the console refused, in pydantic's usual words -----------------------
    "check.at_least": {FR: "au moins {n}", NL: "minstens {n}", EN: "at least {n}"},
    "check.at_most": {FR: "au plus {n}", NL: "hoogstens {n}", EN: "at most {n}"},
    "check.min_length": {
        FR: "au moins {n} caractères",
        NL: "minstens {n} tekens",
        EN: "at least {n} characters",
    },
    "check.max_length": {
        FR: "au plus {n} caractères",
        NL: "hoogstens {n} tekens",
        EN: "at most {n} characters",
    },
    "check.pattern": {FR: "forme incorrecte", NL: "verkeerde vorm", EN: "wrong form"},
    "check.required": {FR: "obligatoire", NL: "verplicht", EN: "required"},
    "check.integer": {
        FR: "un nombre entier",
        NL: "een geheel getal",
        EN: "a whole number",
    },
    "verb.workshop": {FR: "atelier", NL: "workshop", EN: "workshop"},
    "verb.out_of_order": {FR: "hors service", NL: "buiten dienst", EN: "out of order"},
    "verb.back_in_order": {FR: "remis en service", NL: "weer in dienst", EN: "back in order"},
    "action.workshop": {FR: "Atelier", NL: "Workshop", EN: "Workshop"},
    "action.grant_pages": {FR: "+ pages", NL: "+ pagina's", EN: "+ pages"},
    "action.release_print": {
        FR: "Imprimer le document",
        NL: "Document afdrukken",
        EN: "Print the document",
    },
    "verb.grant_pages": {FR: "pages offertes", NL: "pagina's gegeven", EN: "pages given"},
    "verb.print_release": {FR: "impression", NL: "afdruk", EN: "printing"},
    "ask.grant_pages": {
        FR: "Combien de pages offrir (gratuites) à cette session{nbsp}?",
        NL: "Hoeveel pagina's (gratis) geven aan deze sessie?",
        EN: "How many pages (free) to give this session?",
    },
    "ask.release_print": {
        FR: "Le PC n'a pas pu compter ce document. Combien de pages compte-t-il{nbsp}? "
        "(imprimé gratuitement)",
        NL: "De pc kon dit document niet tellen. Hoeveel pagina's telt het? (gratis afgedrukt)",
        EN: "The PC could not count this document. How many pages is it? (printed free)",
    },
    "state.print": {FR: "Impression{nbsp}?", NL: "Afdrukken?", EN: "Printing?"},
    "print.over_quota": {
        FR: "Quota de pages dépassé",
        NL: "Paginaquotum overschreden",
        EN: "Page quota exceeded",
    },
    "print.uncountable": {
        FR: "Document impossible à compter",
        NL: "Document niet te tellen",
        EN: "Document cannot be counted",
    },
    "action.out_of_order": {FR: "Hors service", NL: "Buiten dienst", EN: "Out of order"},
    "action.back_in_order": {
        FR: "Remettre en service",
        NL: "Weer in dienst",
        EN: "Back in order",
    },
    "ask.out_of_order": {
        FR: "Pourquoi ce PC est-il hors service{nbsp}? (visible par l'équipe)",
        NL: "Waarom is deze pc buiten dienst? (zichtbaar voor het team)",
        EN: "Why is this PC out of order? (seen by the team)",
    },
    "ask.workshop.one": {
        FR: "Atelier sur {n} PC{nbsp}:",
        NL: "Workshop op {n} pc:",
        EN: "Workshop on {n} PC:",
    },
    "ask.workshop.other": {
        FR: "Atelier sur {n} PC{nbsp}:",
        NL: "Workshop op {n} pc's:",
        EN: "Workshop on {n} PCs:",
    },
    "workshop.refused.one": {
        FR: "Atelier non démarré sur {n} PC{nbsp}:",
        NL: "Workshop niet gestart op {n} pc:",
        EN: "Workshop not started on {n} PC:",
    },
    "workshop.refused.other": {
        FR: "Atelier non démarré sur {n} PC{nbsp}:",
        NL: "Workshop niet gestart op {n} pc's:",
        EN: "Workshop not started on {n} PCs:",
    },
    "workshop.title": {FR: "Titre", NL: "Titel", EN: "Title"},
    "workshop.title_hint": {
        FR: "p. ex. Rédiger son CV",
        NL: "bv. Een cv schrijven",
        EN: "e.g. Writing a CV",
    },
    "workshop.minutes": {FR: "Durée", NL: "Duur", EN: "Length"},
    "workshop.participants": {FR: "Participants", NL: "Deelnemers", EN: "Participants"},
    "common.refresh": {FR: "Actualiser", NL: "Vernieuwen", EN: "Refresh"},
    # -- tabs --------------------------------------------------------------------------
    "tab.room": {FR: "Salle", NL: "Zaal", EN: "Room"},
    "tab.tickets": {FR: "Tickets", NL: "Tickets", EN: "Tickets"},
    "tab.members": {FR: "Membres", NL: "Leden", EN: "Members"},
    "tab.usage": {FR: "Fréquentation", NL: "Gebruik", EN: "Usage"},
    "tab.policy": {FR: "Règlement et réglages", NL: "Reglement en instellingen", EN: "Policy"},
    # -- help queue --------------------------------------------------------------------
    "help.title": {FR: "Demandes d'aide", NL: "Hulpvragen", EN: "Help calls"},
    "help.empty": {
        FR: "Personne n'attend de l'aide.",
        NL: "Niemand wacht op hulp.",
        EN: "Nobody is waiting for help.",
    },
    "help.waiting_now": {FR: "attend depuis peu", NL: "wacht pas net", EN: "just asked"},
    "help.waiting.one": {
        FR: "attend depuis {n} min",
        NL: "wacht al {n} min",
        EN: "waiting for {n} min",
    },
    "help.waiting.other": {
        FR: "attend depuis {n} min",
        NL: "wacht al {n} min",
        EN: "waiting for {n} min",
    },
    "help.taken_by": {FR: "{who} y va", NL: "{who} gaat erheen", EN: "{who} is going"},
    "help.taken_by_me": {FR: "vous y allez", NL: "u gaat erheen", EN: "you are going"},
    "help.take": {FR: "J'y vais", NL: "Ik ga", EN: "I'm going"},
    "help.reason.ticket_forged": {
        FR: "code de ticket jamais créé, accepté hors ligne",
        NL: "nooit gemaakte ticketcode, offline aanvaard",
        EN: "ticket code never issued, accepted offline",
    },
    "help.done": {FR: "Terminé", NL: "Klaar", EN: "Done"},
    "help.cancel": {FR: "Annuler l'appel", NL: "Oproep annuleren", EN: "Cancel the call"},
    # -- tickets -----------------------------------------------------------------------
    "tickets.new": {FR: "Nouveaux tickets", NL: "Nieuwe tickets", EN: "New tickets"},
    "tickets.count": {FR: "Nombre", NL: "Aantal", EN: "How many"},
    "tickets.minutes": {FR: "Temps par ticket", NL: "Tijd per ticket", EN: "Time per ticket"},
    "tickets.until": {FR: "Valable jusqu'au", NL: "Geldig tot", EN: "Valid until"},
    "tickets.free_pages": {FR: "Pages gratuites", NL: "Gratis pagina's", EN: "Free pages"},
    "tickets.create": {FR: "Créer les tickets", NL: "Tickets maken", EN: "Make the tickets"},
    "tickets.no_batch": {
        FR: "Les codes des nouveaux tickets apparaîtront ici, une seule fois.",
        NL: "De codes van nieuwe tickets verschijnen hier, één keer.",
        EN: "The codes of new tickets will appear here, once.",
    },
    "tickets.batch.one": {
        FR: "{n} ticket créé. Son code n'existe qu'ici{nbsp}: imprimez la feuille avant de fermer.",
        NL: "{n} ticket gemaakt. De code bestaat alleen hier: druk het blad af voor u sluit.",
        EN: "{n} ticket made. Its code exists only here: print the sheet before closing.",
    },
    "tickets.batch.other": {
        FR: "{n} tickets créés. Leurs codes n'existent qu'ici{nbsp}: imprimez la feuille "
        "avant de fermer.",
        NL: "{n} tickets gemaakt. De codes bestaan alleen hier: druk het blad af voor u sluit.",
        EN: "{n} tickets made. Their codes exist only here: print the sheet before closing.",
    },
    "tickets.print": {
        FR: "Imprimer la feuille (PDF)…",
        NL: "Blad afdrukken (pdf)…",
        EN: "Print sheet (PDF)…",
    },
    "tickets.printed.one": {
        FR: "Feuille enregistrée ({n} page){nbsp}:",
        NL: "Blad bewaard ({n} pagina):",
        EN: "Sheet saved ({n} page):",
    },
    "tickets.printed.other": {
        FR: "Feuille enregistrée ({n} pages){nbsp}:",
        NL: "Blad bewaard ({n} pagina's):",
        EN: "Sheet saved ({n} pages):",
    },
    "tickets.print_failed": {
        FR: "La feuille n'a pas pu être enregistrée{nbsp}: {detail}",
        NL: "Het blad kon niet bewaard worden: {detail}",
        EN: "The sheet could not be saved: {detail}",
    },
    "tickets.unprinted_title": {
        FR: "Codes non imprimés",
        NL: "Codes niet afgedrukt",
        EN: "Codes not printed",
    },
    "tickets.unprinted_close.one": {
        FR: "Le code du ticket créé n'a pas été imprimé et sera perdu. Fermer quand même{nbsp}?",
        NL: "De code van het gemaakte ticket is niet afgedrukt en gaat verloren. Toch sluiten?",
        EN: "The new ticket's code was not printed and will be lost. Close anyway?",
    },
    "tickets.unprinted_close.other": {
        FR: "Les codes des {n} tickets créés n'ont pas été imprimés et seront perdus. "
        "Fermer quand même{nbsp}?",
        NL: "De codes van de {n} gemaakte tickets zijn niet afgedrukt en gaan verloren. "
        "Toch sluiten?",
        EN: "The codes of the {n} new tickets were not printed and will be lost. Close anyway?",
    },
    "tickets.unprinted_replace": {
        FR: "Les codes des derniers tickets n'ont pas été imprimés et seront perdus. "
        "Créer d'autres tickets quand même{nbsp}?",
        NL: "De codes van de laatste tickets zijn niet afgedrukt en gaan verloren. "
        "Toch nieuwe tickets maken?",
        EN: "The last tickets' codes were not printed and will be lost. Make new tickets anyway?",
    },
    "tickets.list": {FR: "Tous les tickets", NL: "Alle tickets", EN: "All tickets"},
    "tickets.show": {FR: "Afficher{nbsp}:", NL: "Tonen:", EN: "Show:"},
    "tickets.filter.all": {FR: "tous", NL: "alle", EN: "all"},
    "tickets.state.unused": {FR: "non utilisé", NL: "niet gebruikt", EN: "unused"},
    "tickets.state.used": {FR: "utilisé", NL: "gebruikt", EN: "used"},
    "tickets.state.expired": {FR: "expiré", NL: "verlopen", EN: "expired"},
    "tickets.col.ref": {FR: "Réf.", NL: "Ref.", EN: "Ref."},
    "tickets.col.minutes": {FR: "Temps", NL: "Tijd", EN: "Time"},
    "tickets.col.pages": {FR: "Pages", NL: "Pagina's", EN: "Pages"},
    "tickets.col.until": {FR: "Valable jusqu'au", NL: "Geldig tot", EN: "Valid until"},
    "tickets.col.state": {FR: "État", NL: "Toestand", EN: "State"},
    "tickets.col.by": {FR: "Créé par", NL: "Gemaakt door", EN: "Made by"},
    # -- members -----------------------------------------------------------------------
    "members.title": {FR: "Membres", NL: "Leden", EN: "Members"},
    "members.privacy": {
        FR: "Un membre = un numéro de carte et un code PIN. Aucun nom, aucune adresse.",
        NL: "Een lid = een kaartnummer en een pincode. Geen naam, geen adres.",
        EN: "A member = a card number and a PIN. No name, no address.",
    },
    "members.search": {
        FR: "Chercher une carte ou un surnom",
        NL: "Zoek een kaart of bijnaam",
        EN: "Find a card or nickname",
    },
    "members.col.card": {FR: "Carte", NL: "Kaart", EN: "Card"},
    "members.col.nickname": {FR: "Surnom", NL: "Bijnaam", EN: "Nickname"},
    "members.col.allowance": {FR: "Temps par jour", NL: "Tijd per dag", EN: "Time per day"},
    "members.col.ban": {FR: "Exclusion", NL: "Schorsing", EN: "Ban"},
    "members.no_limit": {
        FR: "selon le règlement",
        NL: "volgens het reglement",
        EN: "as the policy says",
    },
    "members.policy_limit": {
        FR: "selon le règlement",
        NL: "volgens het reglement",
        EN: "as the policy says",
    },
    "members.banned_until": {
        FR: "exclu jusqu'au {day}{nbsp}: {reason}",
        NL: "geschorst tot {day}: {reason}",
        EN: "banned until {day}: {reason}",
    },
    "members.new": {FR: "Nouveau membre", NL: "Nieuw lid", EN: "New member"},
    "members.card": {FR: "N° de carte", NL: "Kaartnummer", EN: "Card number"},
    "members.pin": {
        FR: "Code PIN (4 à 12 chiffres)",
        NL: "Pincode (4 tot 12 cijfers)",
        EN: "PIN (4 to 12 digits)",
    },
    "members.allowance": {FR: "Temps par jour", NL: "Tijd per dag", EN: "Time per day"},
    "members.nickname": {
        FR: "Surnom (facultatif)",
        NL: "Bijnaam (niet verplicht)",
        EN: "Nickname (optional)",
    },
    "members.add": {FR: "Ajouter le membre", NL: "Lid toevoegen", EN: "Add the member"},
    "members.choose": {
        FR: "Choisissez un membre dans la liste",
        NL: "Kies een lid in de lijst",
        EN: "Choose a member in the list",
    },
    "members.card_title": {FR: "Carte {card}", NL: "Kaart {card}", EN: "Card {card}"},
    "members.save": {FR: "Enregistrer", NL: "Bewaren", EN: "Save"},
    "members.new_pin": {FR: "Nouveau PIN", NL: "Nieuwe pincode", EN: "New PIN"},
    "members.reset_pin": {FR: "Changer le PIN", NL: "Pincode wijzigen", EN: "Reset the PIN"},
    "members.ban_until": {FR: "Exclure jusqu'au", NL: "Schorsen tot", EN: "Ban until"},
    "members.ban_reason": {FR: "Raison", NL: "Reden", EN: "Reason"},
    "members.ban": {FR: "Exclure", NL: "Schorsen", EN: "Ban"},
    "members.unban": {FR: "Lever l'exclusion", NL: "Schorsing opheffen", EN: "Lift the ban"},
    "members.ban_needs_reason": {
        FR: "Écrivez la raison de l'exclusion.",
        NL: "Schrijf de reden van de schorsing.",
        EN: "Write why the card is banned.",
    },
    "members.created": {
        FR: "Carte {card} ajoutée.",
        NL: "Kaart {card} toegevoegd.",
        EN: "Card {card} added.",
    },
    "members.changed": {
        FR: "Carte {card} modifiée.",
        NL: "Kaart {card} gewijzigd.",
        EN: "Card {card} changed.",
    },
    "members.pin_reset": {
        FR: "Nouveau PIN enregistré pour la carte {card}.",
        NL: "Nieuwe pincode bewaard voor kaart {card}.",
        EN: "New PIN saved for card {card}.",
    },
    "members.banned": {
        FR: "Carte {card} exclue.",
        NL: "Kaart {card} geschorst.",
        EN: "Card {card} banned.",
    },
    "members.unbanned": {
        FR: "Exclusion levée pour la carte {card}.",
        NL: "Schorsing opgeheven voor kaart {card}.",
        EN: "Ban lifted for card {card}.",
    },
    # -- usage review ------------------------------------------------------------------
    "usage.title": {FR: "Fréquentation", NL: "Gebruik", EN: "Usage"},
    "usage.preset.this_month": {FR: "Ce mois", NL: "Deze maand", EN: "This month"},
    "usage.preset.last_month": {FR: "Mois passé", NL: "Vorige maand", EN: "Last month"},
    "usage.preset.this_year": {FR: "Cette année", NL: "Dit jaar", EN: "This year"},
    "usage.preset.last_year": {FR: "Année passée", NL: "Vorig jaar", EN: "Last year"},
    "usage.from": {FR: "du", NL: "van", EN: "from"},
    "usage.to": {FR: "au", NL: "tot", EN: "to"},
    "usage.show": {FR: "Afficher", NL: "Tonen", EN: "Show"},
    "usage.pick": {
        FR: "Choisissez une période.",
        NL: "Kies een periode.",
        EN: "Choose a period.",
    },
    "usage.bad_period": {
        FR: "La fin de la période est avant son début.",
        NL: "Het einde van de periode ligt voor het begin.",
        EN: "The period ends before it starts.",
    },
    "usage.nothing": {
        FR: "Rien sur cette période",
        NL: "Niets in deze periode",
        EN: "Nothing in this period",
    },
    "usage.totals": {
        FR: "{sessions} sessions, {hours} de présence, occupation {occupancy}",
        NL: "{sessions} sessies, {hours} aanwezigheid, bezetting {occupancy}",
        EN: "{sessions} sessions, {hours} of visitors, occupancy {occupancy}",
    },
    "usage.totals_print": {
        FR: "Impression{nbsp}: {pages} pages sur {sheets} feuilles, {cost}",
        NL: "Afdrukken: {pages} pagina's op {sheets} vellen, {cost}",
        EN: "Printing: {pages} pages on {sheets} sheets, {cost}",
    },
    "usage.totals_help": {
        FR: "Aide{nbsp}: {calls} demandes, {hours} d'accompagnement",
        NL: "Hulp: {calls} vragen, {hours} begeleiding",
        EN: "Help: {calls} calls, {hours} of accompaniment",
    },
    "usage.by_kind": {
        FR: "Sessions par type{nbsp}: {kinds}",
        NL: "Sessies per soort: {kinds}",
        EN: "Sessions by kind: {kinds}",
    },
    "usage.chart.hours_per_day": {
        FR: "Heures de présence par jour",
        NL: "Uren aanwezigheid per dag",
        EN: "Visitor hours per day",
    },
    "usage.chart.hours_per_month": {
        FR: "Heures de présence par mois",
        NL: "Uren aanwezigheid per maand",
        EN: "Visitor hours per month",
    },
    "usage.chart.sessions_per_hour": {
        FR: "Sessions par heure de la journée",
        NL: "Sessies per uur van de dag",
        EN: "Sessions per hour of the day",
    },
    "usage.chart.pages_per_pc": {
        FR: "Pages imprimées par PC",
        NL: "Afgedrukte pagina's per pc",
        EN: "Pages printed per PC",
    },
    "usage.tab.day": {FR: "Par jour", NL: "Per dag", EN: "Per day"},
    "usage.tab.hour": {FR: "Par heure", NL: "Per uur", EN: "Per hour"},
    "usage.tab.kiosk": {FR: "Par PC", NL: "Per pc", EN: "Per PC"},
    "usage.col.day": {FR: "Jour", NL: "Dag", EN: "Day"},
    "usage.col.hour": {FR: "Heure", NL: "Uur", EN: "Hour"},
    "usage.col.pc": {FR: "PC", NL: "Pc", EN: "PC"},
    "usage.col.when": {FR: "Début", NL: "Begin", EN: "Started"},
    "usage.col.pcs": {FR: "PC démarrés", NL: "Gestarte pc's", EN: "PCs started"},
    "usage.tab.workshops": {FR: "Ateliers", NL: "Workshops", EN: "Workshops"},
    "usage.col.sessions": {FR: "Sessions", NL: "Sessies", EN: "Sessions"},
    "usage.col.hours": {FR: "Présence", NL: "Aanwezig", EN: "Visitor time"},
    "usage.col.occupancy": {FR: "Occupation", NL: "Bezetting", EN: "Occupancy"},
    "usage.col.pages": {FR: "Pages", NL: "Pagina's", EN: "Pages"},
    "usage.col.sheets": {FR: "Feuilles", NL: "Vellen", EN: "Sheets"},
    "usage.col.cost": {FR: "Montant", NL: "Bedrag", EN: "Amount"},
    "usage.col.accompanied": {FR: "Accompagnement", NL: "Begeleiding", EN: "Accompanied"},
    "usage.col.help": {FR: "Aides", NL: "Hulp", EN: "Help calls"},
    "usage.csv.day": {FR: "Par jour (CSV)", NL: "Per dag (CSV)", EN: "Per day (CSV)"},
    "usage.csv.hour": {FR: "Par heure (CSV)", NL: "Per uur (CSV)", EN: "Per hour (CSV)"},
    "usage.csv.kiosk": {FR: "Par PC (CSV)", NL: "Per pc (CSV)", EN: "Per PC (CSV)"},
    "usage.csv.sessions": {
        FR: "Sessions anonymes (CSV)",
        NL: "Anonieme sessies (CSV)",
        EN: "Anonymous sessions (CSV)",
    },
    "usage.export": {FR: "Exporter en CSV…", NL: "Exporteren als CSV…", EN: "Export CSV…"},
    "usage.exported": {
        FR: "Exporté{nbsp}: {path}",
        NL: "Geëxporteerd: {path}",
        EN: "Exported: {path}",
    },
    # -- policy ------------------------------------------------------------------------
    "policy.title": {FR: "Règlement et réglages", NL: "Reglement en instellingen", EN: "Policy"},
    "policy.about": {
        FR: "Version {version}, modifiée le {when} par {who}",
        NL: "Versie {version}, gewijzigd op {when} door {who}",
        EN: "Version {version}, changed on {when} by {who}",
    },
    "policy.not_loaded": {
        FR: "Le règlement n'est pas encore chargé.",
        NL: "Het reglement is nog niet geladen.",
        EN: "The policy is not loaded yet.",
    },
    "policy.read_only": {
        FR: "Lecture seule (réservé aux responsables)",
        NL: "Alleen lezen (voor verantwoordelijken)",
        EN: "Read only (managers edit)",
    },
    "policy.save": {
        FR: "Enregistrer et envoyer aux PC",
        NL: "Bewaren en naar de pc's sturen",
        EN: "Save and send to the PCs",
    },
    "policy.saved": {
        FR: "Règlement enregistré{nbsp}: les PC le reçoivent.",
        NL: "Reglement bewaard: de pc's krijgen het.",
        EN: "Policy saved: the PCs are receiving it.",
    },
    "policy.refused": {
        FR: "La console refuse ces valeurs (voir en rouge){nbsp}; rien n'a changé.",
        NL: "De console weigert deze waarden (zie in het rood); er is niets gewijzigd.",
        EN: "The console refuses these values (see in red); nothing changed.",
    },
    "policy.bad_numbers": {
        FR: "Écrivez des nombres séparés par des virgules, p. ex. 10, 5, 1",
        NL: "Schrijf getallen gescheiden door komma's, bv. 10, 5, 1",
        EN: "Write numbers separated by commas, e.g. 10, 5, 1",
    },
    "policy.range": {FR: "de {low} à {high}", NL: "van {low} tot {high}", EN: "{low} to {high}"},
    "policy.section.session": {FR: "Sessions", NL: "Sessies", EN: "Sessions"},
    "policy.section.printing": {FR: "Impression", NL: "Afdrukken", EN: "Printing"},
    "policy.section.staff": {FR: "Animateurs", NL: "Begeleiders", EN: "Staff"},
    "policy.rules": {
        FR: "Règlement d'ordre intérieur (ROI)",
        NL: "Huishoudelijk reglement",
        EN: "House rules",
    },
    "policy.rules_language": {FR: "Langue{nbsp}:", NL: "Taal:", EN: "Language:"},
    "policy.pcs": {
        FR: "PC et version du règlement",
        NL: "Pc's en versie van het reglement",
        EN: "PCs and policy version",
    },
    "policy.pcs_current": {
        FR: "À jour{nbsp}: {pcs}",
        NL: "Bijgewerkt: {pcs}",
        EN: "Up to date: {pcs}",
    },
    "policy.pcs_behind": {
        FR: "Pas encore{nbsp}: {pcs}",
        NL: "Nog niet: {pcs}",
        EN: "Not yet: {pcs}",
    },
    "policy.pcs_unknown": {
        FR: "Pas encore d'information sur les PC.",
        NL: "Nog geen gegevens over de pc's.",
        EN: "No news from the PCs yet.",
    },
    "policy.field.session.length_minutes": {
        FR: "Durée maximale d'une session (min)",
        NL: "Langste sessie (min)",
        EN: "Longest session (min)",
    },
    "policy.field.session.daily_allowance_minutes": {
        FR: "Temps par jour d'un membre (min)",
        NL: "Tijd per dag van een lid (min)",
        EN: "A member's time per day (min)",
    },
    "policy.field.session.warnings_minutes": {
        FR: "Avertir … min avant la fin",
        NL: "Waarschuwen … min voor het einde",
        EN: "Warn … min before the end",
    },
    "policy.field.session.idle_timeout_minutes": {
        FR: "Inactivité avant la question «{nbsp}Toujours là{nbsp}?{nbsp}» (min)",
        NL: "Inactief voor de vraag „Nog daar?” (min)",
        EN: "Idle time before “Still there?” (min)",
    },
    "policy.field.session.idle_warning_seconds": {
        FR: "Délai pour répondre «{nbsp}Toujours là{nbsp}?{nbsp}» (s)",
        NL: "Tijd om „Nog daar?” te beantwoorden (s)",
        EN: "Time to answer “Still there?” (s)",
    },
    "policy.field.session.max_extension_minutes": {
        FR: "Prolongation maximale par l'équipe (min)",
        NL: "Langste verlenging door het team (min)",
        EN: "Longest extension by staff (min)",
    },
    "policy.field.printing.pages_per_session": {
        FR: "Pages par session",
        NL: "Pagina's per sessie",
        EN: "Pages per session",
    },
    "policy.field.printing.pages_per_day": {
        FR: "Pages par jour (membre)",
        NL: "Pagina's per dag (lid)",
        EN: "Pages per day (member)",
    },
    "policy.field.printing.price_per_page_cents": {
        FR: "Prix d'une page N/B (centimes)",
        NL: "Prijs zwart-witpagina (cent)",
        EN: "Black-and-white page price (cents)",
    },
    "policy.field.printing.colour_price_per_page_cents": {
        FR: "Prix d'une page couleur (centimes)",
        NL: "Prijs kleurenpagina (cent)",
        EN: "Colour page price (cents)",
    },
    "policy.field.printing.currency": {FR: "Devise", NL: "Munt", EN: "Currency"},
    # -- first run -------------------------------------------------------------------
    "setup.title": {
        FR: "Première mise en route de la console",
        NL: "Eerste ingebruikname van de console",
        EN: "First run of the console",
    },
    "setup.intro": {
        FR: "Quelques réglages pour commencer. Tout peut être changé plus tard dans "
        "l'onglet «{nbsp}Règlement et réglages{nbsp}».",
        NL: "Enkele instellingen om te beginnen. Alles kan later gewijzigd worden in het "
        "tabblad „Reglement en instellingen”.",
        EN: "A few settings to start with. Everything can be changed later in the “Policy” tab.",
    },
    "setup.step": {
        FR: "Étape {n} sur {total}{nbsp}: {name}",
        NL: "Stap {n} van {total}: {name}",
        EN: "Step {n} of {total}: {name}",
    },
    "setup.step.epn": {FR: "Votre EPN", NL: "Uw EPN", EN: "Your EPN"},
    "setup.step.hours": {FR: "Heures d'ouverture", NL: "Openingsuren", EN: "Opening hours"},
    "setup.step.printing": {FR: "Impression", NL: "Afdrukken", EN: "Printing"},
    "setup.step.languages": {
        FR: "Langues du règlement",
        NL: "Talen van het reglement",
        EN: "House rules languages",
    },
    "setup.help.epn": {
        FR: "Le nom de l'EPN s'affiche dans le titre de cette fenêtre et sur les rapports. "
        "L'adresse sert pour les rapports aux financeurs.",
        NL: "De naam van het EPN staat in de titel van dit venster en op de rapporten. Het "
        "adres dient voor de rapporten aan de subsidiegevers.",
        EN: "The EPN's name shows in this window's title and on reports. The address is for "
        "the reports to funders.",
    },
    "setup.help.printing": {
        FR: "Le prix d'une page est en centimes{nbsp}: 10 veut dire 0,10{nbsp}€. Mettez 0 "
        "si l'impression est gratuite. Les visiteurs voient le prix avant d'imprimer.",
        NL: "De prijs van een pagina is in cent: 10 betekent € 0,10. Zet 0 als afdrukken "
        "gratis is. Bezoekers zien de prijs voor ze afdrukken.",
        EN: "A page's price is in cents: 10 means €0.10. Put 0 when printing is free. "
        "Visitors see the price before they print.",
    },
    "setup.help.languages": {
        FR: "Les visiteurs lisent le règlement dans une de ces langues. La première cochée "
        "est celle qu'un PC montre d'abord. Le texte de chaque langue est déjà prêt.",
        NL: "Bezoekers lezen het reglement in een van deze talen. De eerste aangevinkte "
        "taal toont een pc eerst. De tekst in elke taal staat al klaar.",
        EN: "Visitors read the house rules in one of these languages. The first one ticked "
        "is the one a PC shows first. The text in each language is ready.",
    },
    "setup.name": {FR: "Nom de l'EPN", NL: "Naam van het EPN", EN: "EPN's name"},
    "setup.name_hint": {
        FR: "par exemple{nbsp}: EPN de la bibliothèque de Molenbeek",
        NL: "bijvoorbeeld: EPN van de bibliotheek van Molenbeek",
        EN: "for example: Molenbeek library EPN",
    },
    "setup.address": {FR: "Adresse", NL: "Adres", EN: "Address"},
    "setup.address_hint": {
        FR: "rue, numéro, code postal, commune",
        NL: "straat, nummer, postcode, gemeente",
        EN: "street, number, postcode, town",
    },
    "setup.name_missing": {
        FR: "Donnez le nom de l'EPN.",
        NL: "Geef de naam van het EPN.",
        EN: "Give the EPN's name.",
    },
    "setup.no_language": {
        FR: "Cochez au moins une langue.",
        NL: "Vink minstens één taal aan.",
        EN: "Tick at least one language.",
    },
    "setup.later": {FR: "Plus tard", NL: "Later", EN: "Later"},
    "setup.later_help": {
        FR: "«{nbsp}Plus tard{nbsp}»{nbsp}: rien n'est enregistré, l'assistant revient à la "
        "prochaine connexion.",
        NL: "„Later”: niets wordt bewaard, de assistent komt terug bij de volgende aanmelding.",
        EN: "“Later”: nothing is saved, the assistant comes back at the next login.",
    },
    "setup.back": {FR: "Précédent", NL: "Vorige", EN: "Back"},
    "setup.next": {FR: "Suivant", NL: "Volgende", EN: "Next"},
    "setup.finish": {FR: "Terminer", NL: "Voltooien", EN: "Finish"},
    "setup.saving": {FR: "Enregistrement…", NL: "Bezig met bewaren…", EN: "Saving…"},
    "setup.refused": {
        FR: "La console refuse ces valeurs{nbsp}: {detail}",
        NL: "De console weigert deze waarden: {detail}",
        EN: "The console refuses these values: {detail}",
    },
    # -- opening hours (policy tab, first run) ----------------------------------------
    "hours.title": {FR: "Heures d'ouverture", NL: "Openingsuren", EN: "Opening hours"},
    "hours.help": {
        FR: "Pour chaque jour{nbsp}: fermé, ou une ou deux périodes (par exemple 09:30 à "
        "12:30 et 13:30 à 17:00). Les sessions des visiteurs s'arrêtent à la fermeture.",
        NL: "Per dag: gesloten, of een of twee periodes (bijvoorbeeld 09:30 tot 12:30 en "
        "13:30 tot 17:00). De sessies van bezoekers stoppen bij sluiting.",
        EN: "For each day: closed, or one or two periods (for example 09:30 to 12:30 and "
        "13:30 to 17:00). Visitors' sessions stop at closing time.",
    },
    "hours.day.monday": {FR: "Lundi", NL: "Maandag", EN: "Monday"},
    "hours.day.tuesday": {FR: "Mardi", NL: "Dinsdag", EN: "Tuesday"},
    "hours.day.wednesday": {FR: "Mercredi", NL: "Woensdag", EN: "Wednesday"},
    "hours.day.thursday": {FR: "Jeudi", NL: "Donderdag", EN: "Thursday"},
    "hours.day.friday": {FR: "Vendredi", NL: "Vrijdag", EN: "Friday"},
    "hours.day.saturday": {FR: "Samedi", NL: "Zaterdag", EN: "Saturday"},
    "hours.day.sunday": {FR: "Dimanche", NL: "Zondag", EN: "Sunday"},
    "hours.closed": {FR: "Fermé", NL: "Gesloten", EN: "Closed"},
    "hours.to": {FR: "à", NL: "tot", EN: "to"},
    "hours.and": {FR: "et", NL: "en", EN: "and"},
    "hours.opens_name": {
        FR: "{day}, période {n}, ouverture",
        NL: "{day}, periode {n}, opening",
        EN: "{day}, period {n}, opens",
    },
    "hours.closes_name": {
        FR: "{day}, période {n}, fermeture",
        NL: "{day}, periode {n}, sluiting",
        EN: "{day}, period {n}, closes",
    },
    "hours.not_a_time": {
        FR: "«{nbsp}{value}{nbsp}» n'est pas une heure{nbsp}: écrivez-la comme 09:30 "
        "(de 00:00 à 23:59).",
        NL: "„{value}” is geen uur: schrijf het als 09:30 (van 00:00 tot 23:59).",
        EN: "“{value}” is not a time: write it as 09:30 (00:00 to 23:59).",
    },
    "hours.missing_time": {
        FR: "Il manque une heure{nbsp}: une période a un début et une fin.",
        NL: "Er ontbreekt een uur: een periode heeft een begin en een einde.",
        EN: "A time is missing: a period has a start and an end.",
    },
    "hours.end_before_start": {
        FR: "La fermeture doit venir après l'ouverture.",
        NL: "De sluiting moet na de opening komen.",
        EN: "Closing must come after opening.",
    },
    "hours.overlap": {
        FR: "Les deux périodes se chevauchent{nbsp}: la deuxième doit commencer après la "
        "fin de la première.",
        NL: "De twee periodes overlappen: de tweede moet beginnen na het einde van de eerste.",
        EN: "The two periods overlap: the second must start after the first one ends.",
    },
    "hours.no_period": {
        FR: "Donnez au moins une période, ou cochez «{nbsp}Fermé{nbsp}».",
        NL: "Geef minstens één periode, of vink „Gesloten” aan.",
        EN: "Give at least one period, or tick “Closed”.",
    },
    "hours.closures": {
        FR: "Fermetures exceptionnelles",
        NL: "Uitzonderlijke sluitingen",
        EN: "Exceptional closures",
    },
    "hours.closures_help": {
        FR: "Un jour férié, des congés{nbsp}: la salle reste fermée ces jours-là, même si "
        "la semaine dit ouvert.",
        NL: "Een feestdag, vakantie: de zaal blijft die dagen dicht, ook al zegt de week open.",
        EN: "A public holiday, a holiday: the room stays closed those days, even when the "
        "week says open.",
    },
    "hours.closures_none": {
        FR: "Aucune fermeture prévue.",
        NL: "Geen sluitingen gepland.",
        EN: "No closures planned.",
    },
    "hours.closure_add": {
        FR: "Ajouter une fermeture",
        NL: "Sluiting toevoegen",
        EN: "Add a closure",
    },
    "hours.closure_remove": {FR: "Retirer", NL: "Verwijderen", EN: "Remove"},
    "hours.closure_from": {FR: "Le", NL: "Op", EN: "On"},
    "hours.closure_until": {FR: "jusqu'au", NL: "tot en met", EN: "until"},
    "hours.closure_reason": {
        FR: "Raison (par exemple{nbsp}: jour férié)",
        NL: "Reden (bijvoorbeeld: feestdag)",
        EN: "Reason (for example: public holiday)",
    },
    "hours.closure_end_before_start": {
        FR: "Le dernier jour fermé ne peut pas venir avant le premier.",
        NL: "De laatste gesloten dag kan niet voor de eerste komen.",
        EN: "The last closed day cannot come before the first.",
    },
    "hours.fix_first": {
        FR: "Corrigez d'abord les heures d'ouverture signalées en rouge.",
        NL: "Verbeter eerst de openingsuren die in het rood staan.",
        EN: "First correct the opening hours marked in red.",
    },
    "policy.field.staff.language": {
        FR: "Langue du menu animateur sur les PC",
        NL: "Taal van het begeleidersmenu op de pc's",
        EN: "Language of the staff menu on the PCs",
    },
    "policy.help.staff.language": {
        FR: "Le bouton «{nbsp}Animateur{nbsp}» de chaque PC ouvre son menu dans cette langue, "
        "quelle que soit la langue du visiteur. L'animateur peut en changer dans le menu.",
        NL: "De knop „Begeleider” op elke pc opent het menu in deze taal, welke taal de "
        "bezoeker ook kiest. De begeleider kan de taal in het menu wijzigen.",
        EN: "The “Staff” button on each PC opens its menu in this language, whatever the "
        "visitor's language. Staff can switch it in the menu.",
    },
    # -- first run: the first admin account --------------------------------------------
    "admin.title": {
        FR: "Bienvenue{nbsp}! Créez le premier compte administrateur",
        NL: "Welkom! Maak de eerste beheerdersaccount",
        EN: "Welcome! Create the first admin account",
    },
    "admin.intro": {
        FR: "Cette console n'a encore aucun compte. Le premier est celui d'un "
        "administrateur{nbsp}: il pourra ensuite créer les comptes des animateurs. Ceci ne "
        "se fait que sur l'ordinateur de la console, une seule fois.",
        NL: "Deze console heeft nog geen enkele account. De eerste is die van een beheerder: "
        "die kan daarna de accounts van de begeleiders maken. Dit gebeurt alleen op de "
        "computer van de console, één keer.",
        EN: "This console has no account yet. The first one is an admin's: they can then "
        "make the staff accounts. This is done only on the console's computer, once.",
    },
    "admin.username": {FR: "Identifiant", NL: "Gebruikersnaam", EN: "Username"},
    "admin.username_help": {
        FR: "Le nom que vous taperez pour vous connecter, par exemple votre prénom et "
        "votre nom. Majuscules et espaces comptent.",
        NL: "De naam die u typt om aan te melden, bijvoorbeeld uw voor- en achternaam. "
        "Hoofdletters en spaties tellen.",
        EN: "The name you will type to log in, for example your first and last name. "
        "Capitals and spaces count.",
    },
    "admin.password": {FR: "Mot de passe", NL: "Wachtwoord", EN: "Password"},
    "admin.password_help": {
        FR: "Au moins {n} caractères, pas l'identifiant. Une petite phrase se retient "
        "mieux qu'un mot compliqué.",
        NL: "Minstens {n} tekens, niet de gebruikersnaam. Een korte zin onthoudt u "
        "beter dan een moeilijk woord.",
        EN: "At least {n} characters, not the username. A short sentence is easier to "
        "remember than a hard word.",
    },
    "admin.again": {
        FR: "Mot de passe, encore une fois",
        NL: "Wachtwoord, nog een keer",
        EN: "Password, once more",
    },
    "admin.again_help": {
        FR: "Tapez-le une deuxième fois{nbsp}: ainsi une faute de frappe ne vous bloque pas.",
        NL: "Typ het een tweede keer: zo sluit een tikfout u niet buiten.",
        EN: "Type it a second time: then a typing slip cannot lock you out.",
    },
    "admin.create": {
        FR: "Créer le compte et continuer",
        NL: "Account maken en verder",
        EN: "Create the account and go on",
    },
    "admin.creating": {FR: "Création du compte…", NL: "Account wordt gemaakt…", EN: "Creating…"},
    "admin.username_missing": {
        FR: "Donnez un identifiant.",
        NL: "Geef een gebruikersnaam.",
        EN: "Give a username.",
    },
    "admin.too_short": {
        FR: "Le mot de passe est trop court{nbsp}: au moins {n} caractères.",
        NL: "Het wachtwoord is te kort: minstens {n} tekens.",
        EN: "The password is too short: at least {n} characters.",
    },
    "admin.too_long": {
        FR: "Le mot de passe est trop long{nbsp}: au plus {n} caractères.",
        NL: "Het wachtwoord is te lang: hoogstens {n} tekens.",
        EN: "The password is too long: at most {n} characters.",
    },
    "admin.same_as_username": {
        FR: "Le mot de passe ne peut pas être l'identifiant.",
        NL: "Het wachtwoord mag niet de gebruikersnaam zijn.",
        EN: "The password cannot be the username.",
    },
    "admin.mismatch": {
        FR: "Les deux mots de passe ne sont pas les mêmes.",
        NL: "De twee wachtwoorden zijn niet gelijk.",
        EN: "The two passwords are not the same.",
    },
    "admin.exists": {
        FR: "Un compte existe déjà sur cette console{nbsp}: connectez-vous.",
        NL: "Er bestaat al een account op deze console: meld u aan.",
        EN: "This console already has an account: log in.",
    },
    "admin.not_here": {
        FR: "Le premier compte ne peut être créé que sur l'ordinateur de la console. "
        "Demandez à la personne qui a installé la console.",
        NL: "De eerste account kan alleen op de computer van de console gemaakt worden. "
        "Vraag het aan wie de console installeerde.",
        EN: "The first account can only be made on the console's computer. Ask whoever "
        "installed the console.",
    },
    # -- the room's printer (first run, policy tab) -------------------------------------
    "setup.step.printer": {FR: "Imprimante", NL: "Printer", EN: "Printer"},
    "printer.title": {
        FR: "Imprimante de la salle",
        NL: "Printer van de zaal",
        EN: "The room's printer",
    },
    "printer.help": {
        FR: "Les pages que les visiteurs impriment sortent sur cette imprimante. Choisissez-"
        "la dans la liste, imprimez une page de test, puis gardez ce choix. Sans choix, "
        "les PC gardent l'imprimante qu'ils ont maintenant.",
        NL: "De pagina's die bezoekers afdrukken komen uit deze printer. Kies hem in de "
        "lijst, druk een testpagina af en bewaar dan uw keuze. Zonder keuze houden de pc's "
        "de printer die ze nu hebben.",
        EN: "The pages visitors print come out of this printer. Pick it in the list, print "
        "a test page, then keep your choice. With no choice, the PCs keep the printer they "
        "have now.",
    },
    "printer.list": {
        FR: "Imprimantes connues de cet ordinateur",
        NL: "Printers die deze computer kent",
        EN: "Printers this computer knows",
    },
    "printer.searching": {
        FR: "Recherche des imprimantes… (quelques secondes)",
        NL: "Printers zoeken… (enkele seconden)",
        EN: "Looking for printers… (a few seconds)",
    },
    "printer.search_again": {FR: "Chercher à nouveau", NL: "Opnieuw zoeken", EN: "Look again"},
    "printer.none_found": {
        FR: "Aucune imprimante trouvée. Vérifiez qu'elle est allumée et branchée, puis "
        "cherchez à nouveau, ou tapez son adresse.",
        NL: "Geen printer gevonden. Controleer of hij aan staat en aangesloten is, zoek "
        "opnieuw of typ zijn adres.",
        EN: "No printer found. Check that it is on and plugged in, then look again, or type "
        "its address.",
    },
    "printer.search_cut": {
        FR: "La recherche sur le réseau a pris trop de temps{nbsp}: une imprimante peut "
        "manquer. Cherchez à nouveau si la vôtre n'y est pas.",
        NL: "Het zoeken op het netwerk duurde te lang: er kan een printer ontbreken. Zoek "
        "opnieuw als de uwe er niet bij staat.",
        EN: "The search on the network took too long: a printer may be missing. Look again "
        "if yours is not there.",
    },
    "printer.cups_down": {
        FR: "Le service d'impression (CUPS) de cet ordinateur ne répond pas. Rien n'est "
        "perdu{nbsp}: réessayez dans un moment, ou tapez l'adresse de l'imprimante.",
        NL: "De afdrukdienst (CUPS) van deze computer antwoordt niet. Er gaat niets "
        "verloren: probeer het zo opnieuw, of typ het adres van de printer.",
        EN: "This computer's print service (CUPS) does not answer. Nothing is lost: try "
        "again in a moment, or type the printer's address.",
    },
    "printer.queue": {
        FR: "file d'attente «{nbsp}{queue}{nbsp}»",
        NL: "wachtrij „{queue}”",
        EN: "queue “{queue}”",
    },
    "printer.network": {
        FR: "trouvée sur le réseau",
        NL: "gevonden op het netwerk",
        EN: "found on the network",
    },
    "printer.local": {
        FR: "branchée à cet ordinateur{nbsp}: les PC ne peuvent pas l'atteindre",
        NL: "aangesloten op deze computer: de pc's kunnen hem niet bereiken",
        EN: "plugged into this computer: the PCs cannot reach it",
    },
    "printer.address": {
        FR: "Ou tapez son adresse",
        NL: "Of typ zijn adres",
        EN: "Or type its address",
    },
    "printer.address_help": {
        FR: "Par exemple ipp://192.168.1.20/ipp/print (l'adresse est souvent sur une page "
        "que l'imprimante imprime elle-même, ou sur son écran).",
        NL: "Bijvoorbeeld ipp://192.168.1.20/ipp/print (het adres staat vaak op een pagina "
        "die de printer zelf afdrukt, of op zijn scherm).",
        EN: "For example ipp://192.168.1.20/ipp/print (the address is often on a page the "
        "printer prints itself, or on its screen).",
    },
    "printer.bad_address": {
        FR: "Ce n'est pas une adresse d'imprimante{nbsp}: elle commence par ipp:// ou "
        "ipps://, sans espace.",
        NL: "Dit is geen printeradres: het begint met ipp:// of ipps://, zonder spaties.",
        EN: "This is not a printer address: it starts with ipp:// or ipps://, no spaces.",
    },
    "printer.use_address": {FR: "Utiliser", NL: "Gebruiken", EN: "Use"},
    "printer.refused": {
        FR: "Les PC ne peuvent pas imprimer à cette adresse{nbsp}: choisissez une "
        "imprimante du réseau (ipp://, ipps://, socket://, lpd://) ou tapez son adresse.",
        NL: "De pc's kunnen niet naar dit adres afdrukken: kies een netwerkprinter "
        "(ipp://, ipps://, socket://, lpd://) of typ zijn adres.",
        EN: "The PCs cannot print to this address: choose a network printer (ipp://, "
        "ipps://, socket://, lpd://) or type its address.",
    },
    "printer.test": {
        FR: "Imprimer une page de test",
        NL: "Testpagina afdrukken",
        EN: "Print a test page",
    },
    "printer.testing": {
        FR: "Envoi de la page de test…",
        NL: "Testpagina wordt verstuurd…",
        EN: "Sending the test page…",
    },
    "printer.test_sent": {
        FR: "L'imprimante a reçu la page de test (travail n°{nbsp}{job}). Est-elle "
        "sortie{nbsp}? Alors ce choix est le bon.",
        NL: "De printer heeft de testpagina ontvangen (taak nr. {job}). Is ze eruit "
        "gekomen? Dan is deze keuze goed.",
        EN: "The printer accepted the test page (job no. {job}). Did it come out? Then this "
        "is the right choice.",
    },
    "printer.no_queue": {
        FR: "Cet ordinateur n'a pas de file d'attente pour cette imprimante{nbsp}: la page "
        "de test ne peut pas partir d'ici. Vous pouvez quand même la choisir{nbsp}; "
        "imprimez alors un essai depuis un PC.",
        NL: "Deze computer heeft geen wachtrij voor deze printer: de testpagina kan hier "
        "niet vertrekken. U kunt hem toch kiezen; druk dan een proef af vanaf een pc.",
        EN: "This computer has no queue for this printer: the test page cannot leave from "
        "here. You can still choose it; then print a try from a PC.",
    },
    "printer.pick_first": {
        FR: "Choisissez d'abord une imprimante dans la liste.",
        NL: "Kies eerst een printer in de lijst.",
        EN: "First pick a printer in the list.",
    },
    "printer.chosen": {FR: "Choisie{nbsp}: {name}", NL: "Gekozen: {name}", EN: "Chosen: {name}"},
    "printer.none_chosen": {
        FR: "Aucune imprimante choisie{nbsp}: les PC gardent celle qu'ils ont maintenant.",
        NL: "Geen printer gekozen: de pc's houden de printer die ze nu hebben.",
        EN: "No printer chosen: the PCs keep the printer they have now.",
    },
    "printer.clear": {FR: "Ne pas choisir", NL: "Niet kiezen", EN: "Choose none"},
    "printer.page.title": {
        FR: "Page de test — EPN Kiosk",
        NL: "Testpagina — EPN Kiosk",
        EN: "Test page — EPN Kiosk",
    },
    "printer.page.printer": {FR: "Imprimante", NL: "Printer", EN: "Printer"},
    "printer.page.when": {FR: "Imprimée le", NL: "Afgedrukt op", EN: "Printed on"},
    "printer.page.works": {
        FR: "Si vous lisez cette page, l'imprimante fonctionne{nbsp}: retournez à la "
        "console et gardez ce choix. Les pages des visiteurs sortiront ici.",
        NL: "Leest u deze pagina, dan werkt de printer: ga terug naar de console en bewaar "
        "deze keuze. De pagina's van de bezoekers komen hier uit.",
        EN: "If you can read this page, the printer works: go back to the console and keep "
        "this choice. Visitors' pages will come out here.",
    },
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
