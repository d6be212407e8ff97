"""The English translations of Fortrin's Danish texts. Run `.venv/bin/python scripts/translations_en.py`
after `pybabel extract` (see README) to regenerate fortrin/translations/en/LC_MESSAGES/messages.po;
`make setup` compiles it. A test fails when a marked Danish text has no English here."""

# ruff: noqa: E501  (one translation a line reads best)
from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

EN: dict[str, str] = {
    "1. Er ansøgerens kompetencer taget i betragtning?": "1. Were the applicant's competences taken into account?",
    "2. Ordninger præsenteret for arbejdsgiveren": "2. Schemes presented to the employer",
    "3. Er ansøgeren fravalgt uafhængigt af handicap?": "3. Was the applicant turned down regardless of the disability?",
    "Adgangskode": "Password",
    "Adresse og lokale, eller online.": "Address and room, or online.",
    "Afslag givet; ansøgeren kan bede Ankestyrelsen om en udtalelse": "Refused; the applicant can ask the National Social Appeals Board (Ankestyrelsen) for an opinion",
    "Afslaget er en afgørelse: det skal være skriftligt, begrundet og have klagevejledning.": "The refusal is a decision: it must be in writing, with reasons and with complaint guidance.",
    "Afsluttet": "Closed",
    "Afventer arbejdsgiverens kontrol af uddannelseskrav": "Awaiting the employer's check of the education requirements",
    "Afventer jobcenterets vurdering": "Awaiting the jobcentre's assessment",
    "Almindeligt brev": "Ordinary letter",
    "Ankestyrelsen er bedt om en udtalelse": "Ankestyrelsen has been asked for an opinion",
    "Ankestyrelsens udtalelse": "Ankestyrelsen's opinion",
    "Anmodning til Ankestyrelsen": "Request to Ankestyrelsen",
    "Anmodningen blev sendt den": "The request was sent on",
    "Ansat": "Hired",
    "Ansættes ansøgeren ikke, skal I give jobcenteret en skriftlig redegørelse og forhandle, før stillingen besættes (bek. § 6 stk. 3).": "If the applicant is not hired, you must give the jobcentre a written statement and negotiate before the vacancy is filled (executive order § 6(3)).",
    "Ansøgeren ansættes": "The applicant is hired",
    "Ansøgeren ansættes ikke": "The applicant is not hired",
    "Ansøgeren skal indkaldes til samtale": "The applicant must be invited to an interview",
    "Ansøgeren takker nej til samtalen": "The applicant declines the interview",
    "Arbejdsgiver og jobcenter skal forhandle": "The employer and the jobcentre must negotiate",
    "Arbejdsgiveren fastholder afslaget": "The employer maintains the refusal",
    "Arbejdsgiveren skal give jobcenteret en skriftlig redegørelse": "The employer must give the jobcentre a written statement",
    "Arbejdsgiveren skal give jobcenteret en skriftlig redegørelse (bek. § 6 stk. 3 nr. 1)": "The employer must give the jobcentre a written statement (executive order § 6(3)(1))",
    "Arbejdsgiveren skal give skriftligt, begrundet afslag med klagevejledning (004 § 3.5.2)": "The employer must give a written refusal with reasons and complaint guidance (guidance 004 § 3.5.2)",
    "Arbejdsgiveren skal holde den aftalte samtale (bek. § 6 stk. 2)": "The employer must hold the scheduled interview (executive order § 6(2))",
    "Arbejdsgiveren skal indkalde til personlig samtale (bek. § 6 stk. 2)": "The employer must invite the applicant to a personal interview (executive order § 6(2))",
    "Arbejdsgiveren skal sende et begrundet afslag med klagevejledning": "The employer must send a refusal with reasons and complaint guidance",
    "Arbejdsgiveren skal tage stilling til de formelle krav (bek. § 6 stk. 2)": "The employer must decide on the formal requirements (executive order § 6(2))",
    "Arbejdsgiveren skal træffe beslutning efter samtalen": "The employer must decide after the interview",
    "Bed Ankestyrelsen om en udtalelse": "Ask Ankestyrelsen for an opinion",
    "Begrundelse": "Reasons",
    "Begrundelse i afslaget": "Reasons given in the refusal",
    "Beslutning": "Decision",
    "Beslutning efter samtalen": "Decision after the interview",
    "Dato for forhandlingen": "Date of the negotiation",
    "Dato og klokkeslæt (dansk tid).": "Date and time (Danish time).",
    "Der er fejl i formularen": "There are errors in the form",
    "Digital Post": "Digital Post",
    "Dine ansøgninger": "Your applications",
    "Du har ingen ansøgninger endnu.": "You have no applications yet.",
    "E-mail": "E-mail",
    "En intern ansøger ansættes": "An internal applicant is hired",
    "Fandt Ankestyrelsen, at pligterne var overholdt?": "Did Ankestyrelsen find that the duties were kept?",
    "Fejl:": "Error:",
    "Forkert e-mail eller adgangskode.": "Wrong e-mail or password.",
    "Formelle krav": "Formal requirements",
    "Forside": "Home",
    "Fortrin – lov om kompensation til handicappede i erhverv § 3 og bekendtgørelsens §§ 2-9.": "Fortrin – the Act on Compensation for Disabled Persons in Employment § 3 and the executive order §§ 2-9.",
    "Fortrin, forside": "Fortrin, home",
    "Fortrinsadgang for ansøgere med handicap": "Preferential access for applicants with disabilities",
    "Frist": "Deadline",
    "Gem": "Save",
    "Gem beslutningen": "Save the decision",
    "Gem referatet": "Save the minutes",
    "Gem samtalen": "Save the interview",
    "Gem vurderingen": "Save the assessment",
    "Gå til sidens indhold": "Skip to the page content",
    "Her kan du se, hvor langt dine ansøgninger er, hvem der skal gøre hvad, og dine frister.": "Here you can see how far your applications have come, who must do what, and your deadlines.",
    "Hovedmenu": "Main menu",
    "Hvorfor ønskes ansøgeren ikke ansat (bek. § 6 stk. 3 nr. 1)?": "Why is the applicant not wanted (executive order § 6(3)(1))?",
    "Indkald til samtale": "Invite to an interview",
    "Ingen venter på noget.": "Nobody is waiting for anything.",
    "Jobcenteret registrerer Ankestyrelsens udtalelse, når den kommer": "The jobcentre records Ankestyrelsen's opinion when it arrives",
    "Jobcenteret skal forhandle med arbejdsgiveren og skrive referat (bek. § 6 stk. 3 nr. 2)": "The jobcentre must negotiate with the employer and write minutes (executive order § 6(3)(2))",
    "Jobcenteret skal vurdere, om ansøgeren kan bestride stillingen (bek. § 6 stk. 1)": "The jobcentre must assess whether the applicant can perform the job (executive order § 6(1))",
    "Jobcenteret vurderede, at stillingen ikke passer": "The jobcentre found that the vacancy does not fit",
    "Jobcenterets vurdering": "The jobcentre's assessment",
    "Kan ansøgeren bestride stillingen?": "Can the applicant perform the job?",
    "Kan ansøgeren bestride stillingen? Ved ja kontakter jobcenteret arbejdsgiveren (bek. § 6 stk. 1).": "Can the applicant perform the job? If yes, the jobcentre contacts the employer (executive order § 6(1)).",
    "Ledige stillinger": "Vacancies",
    "Log ind": "Sign in",
    "Log ud": "Sign out",
    "Mine ansøgninger": "My applications",
    "Mine ansøgninger med fortrinsadgang": "My applications with preferential access",
    "Modtaget den": "Received on",
    "Modtaget den (hvis kendt)": "Received on (if known)",
    "Nabojobcentre (§ 7)": "Neighbouring jobcentres (§ 7)",
    "Noter": "Notes",
    "Næste skridt": "Next step",
    "Opfylder ikke de formelle krav": "Does not meet the formal requirements",
    "Opret stilling": "Post a vacancy",
    "Ordningerne fra ansøgerens kompensationskort er valgt på forhånd.": "The schemes on the applicant's compensation card are preselected.",
    "Quickpost": "Quickpost",
    "Redegørelse": "Statement",
    "Referat": "Minutes",
    "Referat af forhandlingen": "Minutes of the negotiation",
    "Referatet skal vise tre ting: at ansøgerens kompetencer er taget i betragtning, at arbejdsgiveren kender de kompenserende ordninger, og at ansøgeren ikke er fravalgt på grund af handicap.": "The minutes must show three things: that the applicant's competences were taken into account, that the employer knows the compensation schemes, and that the applicant was not turned down because of the disability.",
    "Registrér afbud": "Record the cancellation",
    "Registrér afslaget": "Record the refusal",
    "Registrér anmodningen": "Record the request",
    "Registrér samtalen": "Record the interview",
    "Registrér udtalelsen": "Record the opinion",
    "Resultat": "Outcome",
    "Resumé": "Summary",
    "Sagen afsluttes.": "The case is closed.",
    "Sagen er afsluttet.": "The case is closed.",
    "Samtale aftalt": "Interview scheduled",
    "Samtale holdt; afventer arbejdsgiverens beslutning": "Interview held; awaiting the employer's decision",
    "Samtalen er holdt": "The interview was held",
    "Send redegørelsen": "Send the statement",
    "Sendt den": "Sent on",
    "Sendt som": "Sent as",
    "Sidefod": "Footer",
    "Sidehoved": "Header",
    "Skal ansøgeren indkaldes til samtale?": "Must the applicant be invited to an interview?",
    "Skriftlig redegørelse til jobcenteret": "Written statement to the jobcentre",
    "Skriftligt afslag med klagevejledning": "Written refusal with complaint guidance",
    "Skriv din adgangskode.": "Enter your password.",
    "Skriv din e-mail.": "Enter your e-mail.",
    "Skriv en konkret begrundelse (mindst 20 tegn). Den indgår i sagens dokumentation.": "Write specific reasons (at least 20 characters). They become part of the case record.",
    "Status": "Status",
    "Sted": "Place",
    "Stilling": "Vacancy",
    "Tidspunkt": "Time",
    "Trukket tilbage": "Withdrawn",
    "Træk ansøgningen tilbage": "Withdraw the application",
    "Træk tilbage": "Withdraw",
    "Ved stillinger er det kun formelle uddannelseskrav, der kan udelukke samtalen; ved bevillinger kun, at ansøgeren er åbenbart ringere kvalificeret.": "For jobs, only formal education requirements can rule out the interview; for licences, only that the applicant is obviously less qualified.",
    "fristen er overskredet": "the deadline has passed",
    "i dag": "today",
    "i morgen": "tomorrow",
    "om %(days)d dage": "in %(days)d days",
    "Årsag": "Reason",
}

ROOT = Path(__file__).resolve().parent.parent / "fortrin" / "translations"


def main() -> None:
    with (ROOT / "messages.pot").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    missing = [m.id for m in catalog if m.id and m.id not in EN]
    if missing:
        raise SystemExit("No English for: " + "; ".join(map(str, missing)))
    for message in catalog:
        if message.id:
            message.string = EN[str(message.id)]
    catalog.fuzzy = False
    target = ROOT / "en" / "LC_MESSAGES" / "messages.po"
    with target.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    main()
