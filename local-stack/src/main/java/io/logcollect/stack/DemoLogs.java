package io.logcollect.stack;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes realistic logs at a steady rate: an nginx-style access log and a Java application log with the
 * occasional stack trace, both rotated by rename (logrotate's default) every {@code rotateEvery} records.
 */
final class DemoLogs implements Runnable {

    private static final DateTimeFormatter ACCESS_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final DateTimeFormatter APP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final String[] PATHS = {"/", "/products", "/products/42", "/cart", "/checkout", "/api/orders",
        "/static/app.js", "/login"};
    private static final int[] STATUSES = {200, 200, 200, 200, 200, 304, 301, 404, 500};

    private final Path dir;
    private final int linesPerSecond;
    private final int rotateEvery;
    private final Random random = new Random(42);
    final AtomicLong accessRecords = new AtomicLong();
    final AtomicLong appRecords = new AtomicLong();
    private volatile boolean running = true;

    DemoLogs(Path dir, int linesPerSecond, int rotateEvery) {
        this.dir = dir;
        this.linesPerSecond = linesPerSecond;
        this.rotateEvery = rotateEvery;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        long interval = 1_000_000_000L / Math.max(1, linesPerSecond);
        long next = System.nanoTime();
        try {
            while (running) {
                ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
                append("access.log", accessLine(now));
                long access = accessRecords.incrementAndGet();
                if (access % 4 == 0) {
                    append("app.log", appRecord(now));
                    appRecords.incrementAndGet();
                }
                if (access % rotateEvery == 0) {
                    rotate("access.log");
                    rotate("app.log");
                }
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        } catch (IOException e) {
            System.err.println("demo logs: cannot write below " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String accessLine(ZonedDateTime now) {
        return String.format(Locale.ROOT, "10.0.%d.%d - - [%s] \"GET %s HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0\"%n",
                random.nextInt(4), random.nextInt(250), ACCESS_TIME.format(now), PATHS[random.nextInt(PATHS.length)],
                STATUSES[random.nextInt(STATUSES.length)], 200 + random.nextInt(20_000));
    }

    private String appRecord(ZonedDateTime now) {
        String time = APP_TIME.format(now);
        if (random.nextInt(10) == 0) {
            return time + " ERROR [http-nio-8080-exec-" + random.nextInt(8) + "] shop.OrderService - order failed\n"
                    + "java.lang.IllegalStateException: payment gateway timeout\n"
                    + "\tat shop.PaymentClient.charge(PaymentClient.java:88)\n"
                    + "\tat shop.OrderService.place(OrderService.java:41)\n"
                    + "Caused by: java.net.SocketTimeoutException: Read timed out\n"
                    + "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)\n";
        }
        return time + " INFO  [http-nio-8080-exec-" + random.nextInt(8) + "] shop.OrderService - order "
                + random.nextInt(1_000_000) + " placed\n";
    }

    private void append(String name, String text) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(name), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            out.write(text);
        }
    }

    /** logrotate's default: name.2 is dropped, name.1 becomes name.2, name becomes name.1. */
    private void rotate(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name + ".2"));
        if (Files.exists(dir.resolve(name + ".1"))) {
            Files.move(dir.resolve(name + ".1"), dir.resolve(name + ".2"));
        }
        if (Files.exists(dir.resolve(name))) {
            Files.move(dir.resolve(name), dir.resolve(name + ".1"));
        }
    }
}
