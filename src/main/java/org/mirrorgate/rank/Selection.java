package org.mirrorgate.rank;

/**
 * The mirrors chosen for one request: position 0 is the redirect target, the rest are alternates
 * (best first). Each comes with the base URL (http or https) to use.
 */
public final class Selection {

    public static final Selection EMPTY = new Selection(new int[0], new String[0], 0, new String[0]);

    private final int[] positions;
    private final String[] bases;
    private final int size;
    private final String[] geoLabels;

    Selection(int[] positions, String[] bases, int size, String[] geoLabels) {
        this.positions = positions;
        this.bases = bases;
        this.size = size;
        this.geoLabels = geoLabels;
    }

    /** The mirror's primary country, lower case, for RFC 6249 {@code geo=}; "" when unknown. */
    public String geoLabel(int i) {
        return geoLabels[positions[i]];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The mirror's position in the snapshot. */
    public int mirror(int i) {
        return positions[i];
    }

    /** The base URL, ending in '/', to append the encoded path to. */
    public String baseUrl(int i) {
        return bases[i];
    }
}
