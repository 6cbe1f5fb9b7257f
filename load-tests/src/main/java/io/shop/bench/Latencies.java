package io.shop.bench;

import org.HdrHistogram.Histogram;

/** Latencies of one measured series, in microseconds, with the errors seen. */
final class Latencies {

    private final Histogram histogram = new Histogram(60_000_000L, 3);
    private long errors;
    private long wallNanos;
    private boolean timedOut;

    synchronized void record(long nanos, boolean ok) {
        histogram.recordValue(Math.max(1, nanos / 1000));
        if (!ok) {
            errors++;
        }
    }

    /** The series was cut short by a timeout: its figures are lower bounds. */
    void markTimedOut() {
        timedOut = true;
    }

    boolean timedOut() {
        return timedOut;
    }

    void wall(long nanos) {
        wallNanos = nanos;
    }

    synchronized double millis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    synchronized long count() {
        return histogram.getTotalCount();
    }

    synchronized long errors() {
        return errors;
    }

    double perSecond() {
        return wallNanos == 0 ? 0 : count() * 1e9 / wallNanos;
    }
}
