package io.shop.database;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;

/** Tells a database that cannot be reached from every other failure. */
public final class DatabaseErrors {

    /**
     * A query that did not answer within its deadline: PostgreSQL frozen (SIGSTOP, a hung host or disk) keeps its
     * connections open and answers nothing, which no connection error would ever report.
     */
    public static final class Timeout extends RuntimeException {
        public Timeout(String detail) {
            super(detail, null, false, false);
        }
    }

    private DatabaseErrors() {
    }

    /**
     * PostgreSQL refused or dropped the connection, is shutting down or starting (SQLSTATE classes 08 and 57), or a
     * row lock could not be had within lock_timeout (55P03: another session, perhaps of a frozen process, holds it),
     * or a query passed its deadline ({@link Timeout}), or the connection broke under a query ({@link
     * #isConnectionBroken}): anywhere in the cause chain. Each is worth retrying shortly.
     */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof Timeout
                    || isConnectionBroken(t)) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57")
                        || pg.getSqlState().equals("55P03"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A socket error ("Broken pipe" on a write, "Connection reset" on a read) under a query: what a query in flight
     * gets when PostgreSQL is killed (SIGKILL, OOM, a lost node). The PostgreSQL client passes the JDK's bare
     * exception on, raised by the socket (a read's stack holds only Netty's event loop), so it is recognised as an
     * I/O failure of the transport: a SocketException, or an IOException thrown by the socket channel itself. The
     * services' request paths do I/O with PostgreSQL only (Redis failures end at the catalog's breaker), so such a
     * failure reaching a request is the database's.
     */
    static boolean isConnectionBroken(Throwable t) {
        if (t instanceof SocketException) {
            return true;
        }
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = t.getStackTrace();
        return frames.length > 0 && (frames[0].getClassName().startsWith("sun.nio.ch.")
                || frames[0].getClassName().startsWith("io.netty.channel.unix.")); // NIO, or Netty's native epoll
    }

    /**
     * Whether the failure is a violation (SQLSTATE class 23) of the named constraint, anywhere in the cause chain
     * (Hibernate Reactive wraps the driver's exception). Constraint names, never message text: messages change with
     * the server's language and version.
     */
    public static boolean violated(Throwable e, String constraint) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("23")
                    && constraint.equals(pg.getConstraint())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Text PostgreSQL cannot store (22021, character_not_in_repertoire: a NUL character; 22P05): the client's input,
     * never a server fault. Services reject such text first; this is the last line.
     */
    public static boolean isUnstorableText(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && ("22021".equals(pg.getSqlState()) || "22P05".equals(pg.getSqlState()))) {
                return true;
            }
        }
        return false;
    }
}
