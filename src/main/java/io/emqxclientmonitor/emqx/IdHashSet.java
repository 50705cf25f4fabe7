package io.emqxclientmonitor.emqx;

/**
 * A set of client ids kept as 64-bit hashes (8 bytes an id, open addressing): enough to tell refused pattern matches
 * apart across a poll of millions of rows; two ids sharing a hash (odds ~ n²/2^65) would count once.
 */
public final class IdHashSet {
    private long[] slots = new long[16];
    private int size;

    /** @return whether the id was not in the set */
    public boolean add(String id) {
        return addHash(hash(id));
    }

    public boolean contains(String id) {
        return containsHash(hash(id));
    }

    public int size() {
        return size;
    }

    /** How many of this set's ids are not in {@code other}. */
    public long countNotIn(IdHashSet other) {
        long count = 0;
        for (long h : slots) {
            if (h != 0 && !other.containsHash(h)) {
                count++;
            }
        }
        return count;
    }

    boolean containsHash(long h) {
        int mask = slots.length - 1;
        for (int i = (int) (h ^ (h >>> 32)) & mask; slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == h) {
                return true;
            }
        }
        return false;
    }

    private boolean addHash(long h) {
        if ((size + 1) * 2L > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (slots[i] != 0) {
            if (slots[i] == h) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = h;
        size++;
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long h : old) {
            if (h != 0) {
                addHash(h);
            }
        }
    }

    /** FNV-1a over the UTF-16 units, finished with a mix; never 0 (the empty slot). */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
