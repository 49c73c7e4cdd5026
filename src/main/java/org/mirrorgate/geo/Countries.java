package org.mirrorgate.geo;

/**
 * ISO 3166-1 alpha-2 country codes and the continent each lies on.
 *
 * <p>The DB-IP flat records carry a country code but no continent, and ranking wants both; so the
 * continent comes from this table. Source: annexare's countries-list 3.4.1 (MIT), with one change:
 * Russia is Europe (as in MaxMind's data, and where most of its people and mirrors are), so both
 * back-ends put a Russian client on the same continent. A few places on continental borders may
 * still differ from MaxMind's choice; for ranking that only moves a client between two neighbours.
 *
 * <p>Codes are kept in 26 x 26 arrays indexed by the two letters: a lookup allocates nothing, and
 * every {@link ClientLocation} shares the same few hundred code strings instead of one decoded
 * string per cached address.
 */
public final class Countries {

    private static final String[] CONTINENTS = {
        "AF", "AC AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS"
                + " LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TA TD TG TN TZ UG"
                + " YT ZA ZM ZW",
        "AN", "AQ BV GS HM TF",
        "AS", "AE AF AM AZ BD BH BN BT CC CN CX GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA"
                + " LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TM TR TW UZ VN YE",
        "EU", "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT"
                + " JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK",
        "NA", "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS"
                + " MX NI PA PM PR SV SX TC TT US VC VG VI",
        "OC", "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TL TO TV UM VU WF WS",
        "SA", "AR BO BR CL CO EC FK GF GY PE PY SR UY VE",
    };

    private static final String[] CODE = new String[26 * 26];
    private static final String[] CONTINENT = new String[26 * 26];

    static {
        for (int i = 0; i < CONTINENTS.length; i += 2) {
            String continent = CONTINENTS[i];
            for (String code : CONTINENTS[i + 1].split(" ")) {
                int slot = slot(code);
                if (CODE[slot] != null) {
                    throw new AssertionError("country on two continents: " + code);
                }
                CODE[slot] = code;
                CONTINENT[slot] = continent;
            }
        }
    }

    private Countries() {}

    /**
     * The shared upper-case instance of {@code code} (any case) if it is a known country, else "".
     * Codes such as "ZZ" (unknown) or "EU" (a legacy GeoIP region) are not countries.
     */
    static String country(CharSequence code) {
        int slot = code == null ? -1 : slot(code);
        return slot < 0 || CODE[slot] == null ? "" : CODE[slot];
    }

    /**
     * True when {@code code} (any case) is a country of this table: the config's check of a
     * mirror's countries, so a typo (UK for GB, a made-up XX) is an error instead of a country no
     * client is ever in.
     */
    public static boolean isKnown(String code) {
        return !country(code).isEmpty();
    }

    /** The continent code of a country code returned by {@link #country}; "" for "". */
    static String continent(String country) {
        int slot = slot(country);
        return slot < 0 || CONTINENT[slot] == null ? "" : CONTINENT[slot];
    }

    /**
     * The shared instance of continent {@code code} (any case) if it is one of the seven, else "".
     */
    static String continentCode(CharSequence code) {
        if (code != null && code.length() == 2) {
            for (int i = 0; i < CONTINENTS.length; i += 2) {
                if (CONTINENTS[i].equalsIgnoreCase(code.toString())) {
                    return CONTINENTS[i];
                }
            }
        }
        return "";
    }

    private static int slot(CharSequence code) {
        if (code.length() != 2) {
            return -1;
        }
        int a = Character.toUpperCase(code.charAt(0)) - 'A';
        int b = Character.toUpperCase(code.charAt(1)) - 'A';
        return a < 0 || a >= 26 || b < 0 || b >= 26 ? -1 : a * 26 + b;
    }
}
