package io.shop.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Which failures are "the database cannot be reached" (503 with Retry-After). The exceptions are the ones the
 * PostgreSQL client passed on when CheckoutCrashSystemTest SIGKILLed PostgreSQL under checkouts, with their top frames
 * as logged; before, each of them answered 500.
 */
class DatabaseErrorsTest {

    @Test
    void aConnectionResetOnAReadIsTheDatabaseBeingAway() {
        SocketException reset = new SocketException("Connection reset");
        reset.setStackTrace(frames("sun.nio.ch.SocketChannelImpl", "io.netty.channel.nio.NioEventLoop"));

        assertThat(DatabaseErrors.isUnavailable(reset)).isTrue();
        assertThat(DatabaseErrors.isUnavailable(new CompletionException(reset))).as("wrapped").isTrue();
    }

    @Test
    void aBrokenPipeOnAWriteIsTheDatabaseBeingAway() {
        IOException brokenPipe = new IOException("Broken pipe");
        brokenPipe.setStackTrace(frames("sun.nio.ch.FileDispatcherImpl", "io.vertx.pgclient.impl.codec.PgEncoder"));

        assertThat(DatabaseErrors.isUnavailable(brokenPipe)).isTrue();
    }

    @Test
    void anIoFailureNotRaisedByASocketIsABug() {
        IOException elsewhere = new IOException("disk full"); // its top frame is this test, not a socket channel

        assertThat(DatabaseErrors.isUnavailable(elsewhere)).isFalse();
        assertThat(DatabaseErrors.isUnavailable(new IllegalStateException("a bug"))).isFalse();
    }

    private static StackTraceElement[] frames(String... classes) {
        StackTraceElement[] frames = new StackTraceElement[classes.length];
        for (int i = 0; i < classes.length; i++) {
            frames[i] = new StackTraceElement(classes[i], "io", null, -1);
        }
        return frames;
    }
}
