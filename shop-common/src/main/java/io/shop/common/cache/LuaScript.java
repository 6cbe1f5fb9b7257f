package io.shop.common.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script and its SHA-1, as Redis names it. Callers send {@code EVALSHA} (a 40-character name instead of the
 * whole script, and no hashing in Redis per call) and fall back to {@code EVAL} when Redis answers NOSCRIPT: after
 * a restart or a SCRIPT FLUSH; the EVAL caches the script again.
 */
public record LuaScript(String text, String sha1) {

    public static LuaScript of(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(text, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Arguments of {@code EVALSHA}: sha, number of keys, keys, args. */
    public String[] evalShaArgs(List<String> keys, List<String> args) {
        return arguments(sha1, keys, args);
    }

    /** Arguments of {@code EVAL}: script, number of keys, keys, args. */
    public String[] evalArgs(List<String> keys, List<String> args) {
        return arguments(text, keys, args);
    }

    /** Whether a failed EVALSHA failed only because Redis does not have the script (yet). */
    public static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }

    private static String[] arguments(String script, List<String> keys, List<String> args) {
        List<String> all = new ArrayList<>(2 + keys.size() + args.size());
        all.add(script);
        all.add(String.valueOf(keys.size()));
        all.addAll(keys);
        all.addAll(args);
        return all.toArray(String[]::new);
    }
}
