package io.jobcast.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/** The suite's processes, by the names {@code ./jobcast} gives them: signals, as an operator or a crash would send them. */
final class Processes {

    private Processes() {
    }

    static long pidOf(String name) throws Exception {
        return Long.parseLong(Files.readString(RunningSuite.HOME.resolve("run").resolve(name + ".pid")).trim());
    }

    /** Sends {@code signal} (KILL, TERM, STOP, CONT) to the named process. */
    static void signal(String name, String signal) throws Exception {
        long pid = pidOf(name);
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %s (%d)", signal, name, pid).isZero();
    }

    /** kill -9 of the named process, returning once it is gone (its ports free), as after a crash. */
    static void crash(String name) throws Exception {
        signal(name, "KILL");
        awaitGone(name);
    }

    /** Returns once the named process has exited (a zombie counts as gone). */
    static void awaitGone(String name) throws Exception {
        long pid = pidOf(name);
        Awaitility.await(name + " gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> !isAlive(pid));
    }

    /** Starts again whatever part of the suite is not running (the script's start is idempotent). */
    static void startMissing() throws Exception {
        RunningSuite.Result start = RunningSuite.jobcast("start", "--no-build", "--workers", "2", "--progress-replicas", "2");
        assertThat(start.exitCode()).as(start.output()).isZero();
    }

    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid);
    }

    /**
     * A zombie whose threads have all exited: its files (and ports) are closed. Right after a kill
     * the group leader may already be a zombie while other threads still exit, holding them open.
     */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] tasks = new java.io.File("/proc/" + pid + "/task").list();
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z") && (tasks == null || tasks.length <= 1);
        } catch (Exception gone) {
            return false;
        }
    }
}
