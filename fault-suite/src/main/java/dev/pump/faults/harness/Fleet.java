package dev.pump.faults.harness;

import dev.pump.faults.sut.CrashPlan;
import dev.pump.faults.sut.SutMain;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The processes of the system under test: each member is a separate JVM running {@link SutMain}
 * with some roles, launched with {@link ProcessBuilder}, killed with {@link
 * Process#destroyForcibly()} (SIGKILL) and launched again. Not thread-safe: one harness thread
 * drives it.
 */
public final class Fleet implements AutoCloseable {
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Path logs;
  private final List<Member> members = new ArrayList<>();
  private List<String> extraArguments = List.of();
  private int kills;
  private int crashes;
  private int launches;

  /**
   * A fleet on the database at {@code jdbcUrl}, writing each process's output under {@code logs}.
   */
  public Fleet(String jdbcUrl, String user, String password, Path logs) throws IOException {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.logs = Files.createDirectories(logs);
  }

  /** Arguments every process launched from now on gets, e.g. {@code --rabbitmq-uri ...}. */
  public Fleet extraArguments(List<String> arguments) {
    this.extraArguments = List.copyOf(arguments);
    return this;
  }

  /** One process of the fleet, relaunched under the same name after each death. */
  public final class Member {
    private final String name;
    private final String roles;
    private Set<String> broken;
    private final int maxAttempts;
    private Process process;

    private Member(String name, String roles, Set<String> broken, int maxAttempts) {
      this.name = name;
      this.roles = roles;
      this.broken = broken;
      this.maxAttempts = maxAttempts;
    }

    /** The member's name, e.g. {@code endpoints-1}. */
    public String name() {
      return name;
    }

    /** From its next launch on, no destination is broken for this member. */
    public void heal() {
      broken = Set.of();
    }

    /** True when it runs a dispatcher. */
    public boolean dispatches() {
      return roles.contains("dispatcher");
    }

    void launch(CrashPlan crash) throws IOException {
      String java =
          ProcessHandle.current()
              .info()
              .command()
              .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> command =
          new ArrayList<>(
              List.of(
                  java,
                  "-Xmx192m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SutMain.class.getName(),
                  "--jdbc-url",
                  jdbcUrl,
                  "--user",
                  user,
                  "--password",
                  password,
                  "--roles",
                  roles,
                  "--crash",
                  crash.toString(),
                  "--broken",
                  String.join(",", broken),
                  "--max-attempts",
                  Integer.toString(maxAttempts)));
      command.addAll(extraArguments);
      File log = logs.resolve(name + ".log").toFile();
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
              .start();
      launches++;
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        kills++;
      }
    }

    /** True once the current process said it is ready (endpoints and dispatcher started). */
    public boolean ready() {
      if (process == null || !process.isAlive()) {
        return false;
      }
      try {
        return Files.readString(logs.resolve(name + ".log"))
            .contains("ready pid=" + process.pid() + " ");
      } catch (IOException e) {
        return false;
      }
    }

    boolean alive() {
      return process != null && process.isAlive();
    }

    /** True if the process ended by itself (a planned crash, or a failure to start). */
    boolean ended() {
      return process != null && !process.isAlive();
    }
  }

  /** Adds and launches a member. */
  public Member add(String name, String roles, Set<String> broken, int maxAttempts, CrashPlan crash)
      throws IOException {
    Member member = new Member(name, roles, broken, maxAttempts);
    members.add(member);
    member.launch(crash);
    return member;
  }

  /** The members, in the order they were added. */
  public List<Member> members() {
    return List.copyOf(members);
  }

  /** Kills {@code member} with SIGKILL and launches it again with {@code crash} armed. */
  public void killAndRestart(Member member, CrashPlan crash)
      throws IOException, InterruptedException {
    member.kill();
    member.launch(crash);
  }

  /**
   * Relaunches every member whose process ended by itself; returns how many. An exit status of
   * {@value CrashPlan#EXIT_STATUS} counts as a planned crash.
   */
  public int relaunchEnded(java.util.function.Function<Member, CrashPlan> crash)
      throws IOException {
    int relaunched = 0;
    for (Member member : members) {
      if (member.ended()) {
        if (member.process.exitValue() == CrashPlan.EXIT_STATUS) {
          crashes++;
        }
        member.launch(crash.apply(member));
        relaunched++;
      }
    }
    return relaunched;
  }

  /** SIGKILLs issued by the harness. */
  public int kills() {
    return kills;
  }

  /** Planned crashes the processes inflicted on themselves ({@link CrashPlan}). */
  public int crashes() {
    return crashes;
  }

  /** Processes launched, first launches included. */
  public int launches() {
    return launches;
  }

  /** True when every member's current process is ready. */
  public boolean allReady() {
    return members.stream().allMatch(Member::ready);
  }

  /** Stops every member: SIGTERM (graceful stop), then SIGKILL after 15 s. */
  @Override
  public void close() {
    for (Member member : members) {
      if (member.alive()) {
        member.process.destroy();
      }
    }
    try {
      for (Member member : members) {
        if (member.process != null && !member.process.waitFor(15, TimeUnit.SECONDS)) {
          member.process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      members.forEach(m -> m.process.destroyForcibly());
    }
  }
}
