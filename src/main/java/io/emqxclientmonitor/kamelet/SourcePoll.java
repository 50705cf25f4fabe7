package io.emqxclientmonitor.kamelet;

import io.emqxclientmonitor.emqx.BrokerPoll;
import io.emqxclientmonitor.emqx.ClientRecord;
import io.emqxclientmonitor.emqx.ClientRecordParser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One poll run by the Kamelet {@code emqx-clients-source}: the exporter's {@link BrokerPoll} (batches, paging,
 * EMQX quirks, takeover de-duplication) plus what the Kamelet needs on top of it: the raw EMQX row of each
 * kept record, to emit it as it came, and the failed attempts of the current request, for retries.
 * Used by one thread at a time (the Kamelet route's).
 */
public final class SourcePoll {
    private final BrokerPoll poll;
    private final Map<String, Kept> rows = new HashMap<>();
    private int failedAttempts;

    private record Kept(ClientRecord record, Map<?, ?> row) {
    }

    SourcePoll(BrokerPoll poll) {
        this.poll = poll;
    }

    public BrokerPoll brokerPoll() {
        return poll;
    }

    /** Reads one page; if EMQX turns out to ignore the {@code clientid} filter the poll starts over with the full list. */
    List<Object> acceptPage(Object page) {
        boolean fullListBefore = poll.fullList();
        List<Object> pageRows = poll.acceptPage(page);
        failedAttempts = 0;
        if (poll.fullList() != fullListBefore) {
            startOver();
        }
        return pageRows;
    }

    /** Keeps a monitored row; of takeover duplicates the one {@link BrokerPoll#observe} keeps (connected, then newest). */
    void observe(Object row) {
        poll.observe(row);
        ClientRecord record = ClientRecordParser.parse(row);
        if (record == null || !poll.covers(record.clientId())) {
            return;
        }
        Kept earlier = rows.get(record.clientId());
        if (earlier == null || record.preferredOver(earlier.record())) {
            rows.put(record.clientId(), new Kept(record, (Map<?, ?>) row));
        }
    }

    /** The request failed once more; returns how many times it has failed. */
    int failedAttempt() {
        return ++failedAttempts;
    }

    /** The poll re-plans (smaller requests, full list): what earlier requests returned is read again. */
    void startOver() {
        rows.clear();
        failedAttempts = 0;
    }

    /** The EMQX rows of the monitored clients EMQX listed, in the order the ids were given. */
    List<Map<?, ?>> records(List<String> clientIdsInOrder) {
        List<Map<?, ?>> records = new ArrayList<>(rows.size());
        for (String id : clientIdsInOrder) {
            Kept kept = rows.get(id);
            if (kept != null && poll.records().containsKey(id)) {
                records.add(kept.row());
            }
        }
        return records;
    }
}
