package io.emqxclientmonitor.emqx;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One row of a page as {@link ClientsPage} keeps it: a read-only {@code Map} of the fields in
 * {@link ClientRecordParser#FIELDS} that the row had, equal (and with the same hash) to a {@code HashMap} of them.
 * The values sit in an array at a fixed index per field, so a row costs one small array instead of a hash table.
 */
public final class ClientRow extends AbstractMap<String, Object> {
    private static final String[] NAMES = ClientRecordParser.FIELDS.stream().sorted().toArray(String[]::new);
    private static final Map<String, Integer> INDEX = index();

    static {
        if (NAMES.length > Integer.SIZE) {
            throw new ExceptionInInitializerError("a row's presence mask holds 32 fields, not " + NAMES.length);
        }
    }

    private final Object[] values;
    /** Bit i: the row had field NAMES[i] (its value may be null, as a JSON null). */
    private final int present;

    private ClientRow(Object[] values, int present) {
        this.values = values;
        this.present = present;
    }

    /** The fixed index of a kept field, or -1 for any other key. */
    static int indexOf(Object key) {
        Integer i = key instanceof String ? INDEX.get(key) : null;
        return i == null ? -1 : i;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i >= 0 && (present & (1 << i)) != 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        int i = indexOf(key);
        return i >= 0 && (present & (1 << i)) != 0;
    }

    @Override
    public int size() {
        return Integer.bitCount(present);
    }

    @Override
    public boolean isEmpty() {
        return present == 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int left = present;

                    @Override
                    public boolean hasNext() {
                        return left != 0;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (left == 0) {
                            throw new NoSuchElementException();
                        }
                        int i = Integer.numberOfTrailingZeros(left);
                        left &= left - 1;
                        return new SimpleImmutableEntry<>(NAMES[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return ClientRow.this.size();
            }
        };
    }

    private static Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            index.put(NAMES[i], i);
        }
        return index;
    }

    /** Collects one row's kept fields while it is read; a field read twice keeps its last value (as a Map put). */
    static final class Builder {
        private final Object[] values = new Object[NAMES.length];
        private int present;

        /** @param index from {@link #indexOf}, not -1 */
        void put(int index, Object value) {
            values[index] = value;
            present |= 1 << index;
        }

        ClientRow build() {
            return new ClientRow(values, present);
        }
    }
}
