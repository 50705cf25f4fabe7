package io.emqxclientmonitor.simulator;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a simulated EMQX serving the {@link DemoFleet} until killed, for manual testing.
 * Arguments: {@code [port] [5.4|5.8]}, defaults 18083 and 5.8.
 */
public final class SimulatorMain {

    private static final int DEFAULT_PORT = 18083;

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
        EmqxVersion version = args.length > 1 && args[1].equals("5.4") ? EmqxVersion.V5_4 : EmqxVersion.V5_8;
        SimulatorOptions options = SimulatorOptions.defaults().withPort(port).withVersion(version);

        DemoFleet demo = new DemoFleet(Clock.systemUTC());
        EmqxSimulator simulator = new EmqxSimulator(demo.fleet(), options).start();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(demo::tick, 1, 1, TimeUnit.SECONDS);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticker.shutdownNow();
            simulator.close();
            stopped.countDown();
        }));

        System.out.println("EMQX simulator " + version + " serving the demo fleet");
        System.out.println("  api url:    " + simulator.apiUrl());
        System.out.println("  api key:    " + options.apiKey());
        System.out.println("  api secret: " + options.apiSecret());
        System.out.println("  try: curl -u " + options.apiKey() + ":" + options.apiSecret() + " '"
                + simulator.apiUrl() + "/v5/clients?limit=5'");
        System.out.println("Monitored devices:");
        for (DemoDevice d : DemoFleet.devices()) {
            System.out.printf("  %-11s %-22s %s%n", d.alias(), d.clientId(), d.behaviour());
        }
        stopped.await();
    }
}
