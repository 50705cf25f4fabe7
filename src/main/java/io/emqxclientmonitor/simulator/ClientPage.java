package io.emqxclientmonitor.simulator;

import java.util.List;

/**
 * One page of the listing plus its {@code meta}. Offset paging over a fresh snapshot, like
 * EMQX: rows that appear or vanish between page requests shift later pages.
 *
 * @param count every row matching the query, across all pages; -1 for none in {@code meta} (like_* queries)
 */
record ClientPage(List<ClientRow> rows, int page, int limit, boolean hasNext, int count) {

    /** @param matching every row the query matches, in listing order */
    static ClientPage of(List<ClientRow> matching, int page, int limit) {
        long from = (long) (page - 1) * limit;
        long to = from + limit;
        List<ClientRow> rows = from >= matching.size()
                ? List.of()
                : matching.subList((int) from, (int) Math.min(to, matching.size()));
        return new ClientPage(rows, page, limit, to < matching.size(), matching.size());
    }

    ClientPage withoutCount() {
        return new ClientPage(rows, page, limit, hasNext, -1);
    }
}
