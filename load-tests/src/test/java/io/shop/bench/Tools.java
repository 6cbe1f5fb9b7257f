package io.shop.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Command-line tools the tests run (promtool, npm, node). */
final class Tools {

    private Tools() {
    }

    /** Runs a tool and returns its exit code; its output goes to a file, printed if it fails. */
    static int run(Path dir, String... command) throws IOException, InterruptedException {
        return result(dir, command).exit();
    }

    record Result(int exit, String output) {
    }

    /**
     * Runs a tool in a session of its own with stdin from /dev/null and its output in a file: never this JVM's
     * streams, which are surefire's.
     */
    static Result result(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("tool-", ".log");
        try {
            String[] detached = new String[command.length + 1];
            detached[0] = "setsid";
            System.arraycopy(command, 0, detached, 1, command.length);
            Process p = new ProcessBuilder(detached).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int exit = p.waitFor();
            String output = Files.readString(log);
            if (exit != 0) {
                System.out.println(String.join(" ", command) + " exited with " + exit + ":\n" + output);
            }
            return new Result(exit, output);
        } finally {
            Files.delete(log);
        }
    }

    /** A folder's npm check ({@code npm run check}) after {@link #npmInstall}; its exit code. */
    static int npmCheck(Path dir) throws IOException, InterruptedException {
        npmInstall(dir);
        return run(dir, "npm", "run", "-s", "check");
    }

    /** npm ci, unless the folder's node_modules is already installed. */
    static void npmInstall(Path dir) throws IOException, InterruptedException {
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            if (run(dir, "npm", "ci", "--no-audit", "--no-fund") != 0) {
                throw new IllegalStateException("npm ci failed in " + dir);
            }
        }
    }
}
