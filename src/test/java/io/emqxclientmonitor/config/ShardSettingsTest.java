package io.emqxclientmonitor.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** monitor.shard / monitor.total-shards: what a clumsy operator writes is one line naming the setting and the fix. */
class ShardSettingsTest {
    private final Map<String, String> properties = new HashMap<>(Map.of(
            "emqx.url", "http://emqx:18083/api",
            "emqx.api.key", "key",
            "emqx.api.secret", "s3cr3t-value",
            "emqx.clients", "A=a-1,B=b-2,C=c-3,D=d-4,E=e-5,F=f-6,G=g-7,H=h-8"));
    private final Map<String, String> environment = new HashMap<>();

    private MonitorConfig load() {
        return new ConfigLoader(properties::get, properties.keySet()).environment(environment::get).load();
    }

    private String mistake() {
        String message = assertThrows(ConfigException.class, this::load).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    @Test
    void unshardedByDefaultWatchingEveryClient() {
        MonitorConfig config = load();
        assertEquals(ShardAssignment.UNSHARDED, config.shards());
        assertEquals(8, config.brokers().get(0).clients().size());
    }

    @Test
    void eachShardWatchesOnlyItsOwnClientsAndTogetherAll() {
        properties.put("monitor.total-shards", "3");
        int together = 0;
        for (int shard = 0; shard < 3; shard++) {
            properties.put("monitor.shard", Integer.toString(shard));
            MonitorConfig config = load();
            assertEquals(new ShardAssignment(shard, 3), config.shards());
            for (MonitoredClient client : config.brokers().get(0).clients()) {
                assertEquals(shard, ShardAssignment.shardOf("emqx", client.clientId(), 3), client.toString());
                together++;
            }
        }
        assertEquals(8, together);
    }

    @Test
    void autoTakesTheStatefulSetOrdinalFromPodNameThenHostname() {
        properties.put("monitor.total-shards", "4");
        properties.put("monitor.shard", "auto");
        environment.put("HOSTNAME", "ecm-r0-1");
        assertEquals(1, load().shards().shard());
        environment.put("POD_NAME", "emqx-client-monitor-r1-3");
        assertEquals(3, load().shards().shard());
    }

    @Test
    void aShardAtOrAboveTheTotalIsRefused() {
        properties.put("monitor.total-shards", "3");
        properties.put("monitor.shard", "3");
        assertEquals("monitor.shard=3 is not below monitor.total-shards=3: shards are numbered 0 to 2; set"
                + " monitor.total-shards to the number of shards", mistake());
        properties.remove("monitor.total-shards");
        properties.put("monitor.shard", "1");
        assertTrue(mistake().startsWith("monitor.shard=1 is not below monitor.total-shards=1 (the default)"), mistake());
    }

    @Test
    void zeroNegativeOrGarbageTotalsAndShardsAreRefused() {
        for (String total : new String[] {"0", "-2", "three", "1000", "\u0663"}) {
            properties.put("monitor.total-shards", total);
            assertEquals("monitor.total-shards='" + total + "' is not a whole number of shards from 1 to 256: give e.g. 3"
                    + " (1 = unsharded)", mistake());
        }
        properties.put("monitor.total-shards", "3");
        for (String shard : new String[] {"-1", "one", "2.0", "\u0661"}) {
            properties.put("monitor.shard", shard);
            assertEquals("monitor.shard='" + shard + "' is neither a shard number from 0 to 2 nor auto (the ordinal of"
                    + " a StatefulSet pod)", mistake());
        }
    }

    @Test
    void severalShardsWithoutSayingWhichOneIsRefused() {
        properties.put("monitor.total-shards", "3");
        assertTrue(mistake().startsWith("monitor.total-shards=3 but monitor.shard is not set"), mistake());
    }

    @Test
    void autoOnAPodWithoutAnOrdinalIsRefused() {
        properties.put("monitor.total-shards", "3");
        properties.put("monitor.shard", "auto");
        assertEquals("monitor.shard=auto but neither POD_NAME nor HOSTNAME is set: pass the pod name (env POD_NAME from"
                + " metadata.name) or set the shard number", mistake());
        environment.put("HOSTNAME", "emqx-client-monitor-7d9f8b-x2x4q"); // a Deployment's pod
        assertEquals("monitor.shard=auto but HOSTNAME='emqx-client-monitor-7d9f8b-x2x4q' does not end in -N (a"
                + " StatefulSet pod's ordinal): run as a StatefulSet or set the shard number", mistake());
        environment.put("HOSTNAME", "ecm-5");
        assertTrue(mistake().startsWith("monitor.shard=5 is not below monitor.total-shards=3"), mistake());
    }

    @Test
    void aTypoInTheShardKeysNamesTheRightOne() {
        properties.put("monitor.total-shard", "3");
        assertEquals("unknown setting monitor.total-shard: did you mean monitor.total-shards?", mistake());
        properties.remove("monitor.total-shard");
        properties.put("monitor.shards", "1");
        assertEquals("unknown setting monitor.shards: did you mean monitor.shard?", mistake());
    }

    @Test
    void aShardThatOwnsNoneOfABrokersClientsIsFine() {
        properties.put("emqx.clients", "Only=the-only-one");
        properties.put("monitor.total-shards", "16");
        int owners = 0;
        for (int shard = 0; shard < 16; shard++) {
            properties.put("monitor.shard", Integer.toString(shard));
            owners += load().brokers().get(0).clients().size();
        }
        assertEquals(1, owners);
    }
}
