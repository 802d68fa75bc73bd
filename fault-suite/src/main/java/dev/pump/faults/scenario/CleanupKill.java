package dev.pump.faults.scenario;

import dev.pump.faults.harness.FaultDatabase;
import dev.pump.faults.harness.Fleet;
import dev.pump.faults.harness.Harness;
import dev.pump.faults.harness.LoadGenerator;
import dev.pump.faults.harness.Waits;
import dev.pump.faults.report.Outcome;
import dev.pump.faults.report.Verdict;
import dev.pump.faults.sut.CrashPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * kill-during-cleanup: a settled run's books are checked, then half of its dispatched outbox rows
 * and inbox rows are aged past their retention, beside a large aged backlog and rows retention must
 * never touch (pending and parked outbox rows, recent rows). Cleaner processes ({@code
 * RetentionCleaner.purge()} in a loop) are SIGKILLed at random moments while they purge and
 * relaunched; a last cleaner then runs to the end.
 *
 * <p>Promised: every aged dispatched row and aged inbox row is gone, every other row is still there
 * (compared id by id with what was recorded before the first kill), and a repeat of a recent input
 * is still absorbed by the inbox that survived the purge.
 */
public final class CleanupKill {
  // the planted rows copy the first real outbox row's endpoint, kind, destination and headers
  private static final String TEMPLATE =
      "(SELECT endpoint, kind, destination, topics, headers FROM pump.outbox ORDER BY id LIMIT 1)";

  private CleanupKill() {}

  /**
   * @param inputs inputs of the run whose rows are then aged
   * @param agedRows extra aged rows planted in each of outbox and inbox, so a purge lasts
   * @param kills SIGKILLs of cleaner processes
   */
  public record Settings(int inputs, int agedRows, int kills, long seed, Duration timeLimit) {}

  /** Runs the scenario; the verdict holds the books before aging and the retention checks after. */
  public static Outcome run(FaultDatabase server, String name, Settings settings, Path logs)
      throws Exception {
    Random random = new Random(settings.seed());
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("seed", settings.seed());
    try (Harness harness = new Harness(server, name);
        Fleet fleet = harness.fleet(logs.resolve(name))) {
      // 1. an ordinary run, settled and checked
      Fleet.Member sut =
          fleet.add("sut-1", "orders,billing,shipping,dispatcher", Set.of(), 10, CrashPlan.never());
      Waits.until(fleet::allReady, Duration.ofMinutes(1), () -> {});
      new LoadGenerator(
              harness.storage(), harness.web(), settings.inputs(), 0.1, settings.seed(), 0)
          .run();
      boolean settled =
          Waits.until(() -> harness.settled(settings.inputs()), settings.timeLimit(), () -> {});
      facts.put("settled", settled);
      Verdict before = harness.books();
      facts.put("booksBeforeAging", before.clean() ? "CLEAN" : before.line());
      sut.kill(); // nothing runs while the rows are aged and recorded

      // 2. age half, plant what retention must keep, and record what it must purge and keep
      harness.storage().jdbi().useTransaction(CleanupKill::plant);

      // 3. cleaners killed while they purge: before each launch, a fresh aged backlog
      Fleet.Member cleaner = null;
      int killsWhilePurging = 0;
      List<Long> leftAtKill = new ArrayList<>();
      for (int round = 0; round <= settings.kills(); round++) {
        int batch = round;
        harness.storage().jdbi().useTransaction(h -> plantAged(h, batch, settings.agedRows()));
        if (cleaner == null) {
          cleaner = fleet.add("cleaner-1", "cleaner", Set.of(), 10, CrashPlan.never());
        } else {
          fleet.killAndRestart(cleaner, CrashPlan.never());
        }
        if (round == settings.kills()) {
          break; // the last cleaner finishes the purge
        }
        Waits.until(cleaner::ready, Duration.ofMinutes(1), () -> {});
        Thread.sleep(random.nextInt(300));
        long left = remainingAged(harness);
        cleaner.kill();
        leftAtKill.add(left);
        if (left > 0) {
          killsWhilePurging++;
        }
      }
      facts.put("agedRows", harness.count("SELECT count(*) FROM fault_retention WHERE NOT keep"));
      facts.put("keptRows", harness.count("SELECT count(*) FROM fault_retention WHERE keep"));
      facts.put("kills", settings.kills());
      facts.put("killsWhilePurging", killsWhilePurging);
      facts.put("agedLeftAtEachKill", leftAtKill);

      // 4. the last cleaner finishes the purge
      boolean purged =
          Waits.until(() -> remainingAged(harness) == 0, Duration.ofMinutes(5), () -> {});
      cleaner.kill();
      facts.put("purged", purged);

      // 5. repeats of recent inputs are still absorbed by the surviving inbox
      fleet.killAndRestart(sut, CrashPlan.never());
      long absorbedBefore =
          harness.count(
              "SELECT coalesce(sum(duplicates), 0) FROM pump.inbox WHERE endpoint = 'orders'");
      List<String> recent =
          harness
              .storage()
              .jdbi()
              .withHandle(h ->
                  h.createQuery(
                          "SELECT message_id FROM pump.inbox WHERE endpoint = 'orders'"
                              + " ORDER BY message_id LIMIT 50")
                      .mapTo(String.class)
                      .list());
      LoadGenerator.resend(harness.storage(), harness.web(), recent);
      boolean absorbed =
          Waits.until(
              () ->
                  harness.count(
                          "SELECT coalesce(sum(duplicates), 0) FROM pump.inbox"
                              + " WHERE endpoint = 'orders'")
                      >= absorbedBefore + recent.size(),
              Duration.ofMinutes(1),
              () -> {});
      facts.put("repeatsAbsorbed", absorbed);
      facts.put(
          "expectationsMet",
          settled && before.clean() && purged && absorbed && killsWhilePurging > 0);
      return new Outcome(name, retentionVerdict(harness, before), facts);
    }
  }

  // Ages, plants and records, in one transaction. fault_retention lists every row retention may
  // touch, with whether it must be kept; `gone` is filled in by the check.
  private static void plant(Handle h) {
    h.execute(
        "CREATE TABLE fault_retention (kind text NOT NULL, key text NOT NULL, keep boolean NOT NULL,"
            + " gone boolean NOT NULL DEFAULT false, PRIMARY KEY (kind, key))");
    String old = "now() - interval '8 days'";
    // half the run's dispatched rows and inbox rows are past the 7-day retention
    h.execute("UPDATE pump.outbox SET dispatched_at = " + old + " WHERE id % 2 = 0");
    h.execute(
        "UPDATE pump.inbox SET processed_at = " + old + " WHERE hashtext(message_id) % 2 = 0");
    String template =
        "(SELECT endpoint, kind, destination, topics, headers FROM pump.outbox"
            + " ORDER BY id LIMIT 1)";
    // old rows retention must keep: never dispatched, and parked for an operator
    h.execute(
        "INSERT INTO pump.outbox (endpoint, kind, destination, topics, message_id, headers, body,"
            + " created_at, due_at, attempts, last_error, parked_at)"
            + " SELECT t.endpoint, t.kind, t.destination, t.topics, 'parked-' || n, t.headers,"
            + " '\\x7b7d'::bytea, "
            + old
            + ", "
            + old
            + ", 10, 'planted by the fault suite', "
            + old
            + " FROM "
            + template
            + " t, generate_series(1, 100) n");
    h.execute(
        "INSERT INTO pump.outbox (endpoint, kind, destination, topics, message_id, headers, body,"
            + " created_at, due_at)"
            + " SELECT t.endpoint, 'send', 'fault-nowhere', NULL, 'pending-' || n, t.headers,"
            + " '\\x7b7d'::bytea, "
            + old
            + ", now() + interval '1 year' FROM "
            + template
            + " t, generate_series(1, 100) n");
    record(h);
  }

  // A large aged backlog, so the cleaner is killed mid-purge: rows named aged-<round>-<n>.
  private static void plantAged(Handle h, int round, int agedRows) {
    String old = "now() - interval '8 days'";
    h.createUpdate(
            "INSERT INTO pump.outbox (endpoint, kind, destination, topics, message_id, headers,"
                + " body, created_at, due_at, dispatched_at)"
                + " SELECT t.endpoint, t.kind, t.destination, t.topics,"
                + " 'aged-' || :round || '-' || n, t.headers, '\\x7b7d'::bytea, "
                + String.join(", ", old, old, old)
                + " FROM "
                + TEMPLATE
                + " t, generate_series(1, :rows) n")
        .bind("round", round)
        .bind("rows", agedRows)
        .execute();
    h.createUpdate(
            "INSERT INTO pump.inbox (endpoint, message_id, processed_at)"
                + " SELECT 'retired', 'aged-' || :round || '-' || n, "
                + old
                + " FROM generate_series(1, :rows) n")
        .bind("round", round)
        .bind("rows", agedRows)
        .execute();
    record(h);
  }

  // Records the rows not recorded yet, with whether retention must keep them.
  private static void record(Handle h) {
    h.execute(
        "INSERT INTO fault_retention (kind, key, keep) SELECT 'outbox', id::text,"
            + " dispatched_at IS NULL OR dispatched_at > now() - interval '7 days' FROM pump.outbox"
            + " ON CONFLICT DO NOTHING");
    h.execute(
        "INSERT INTO fault_retention (kind, key, keep) SELECT 'inbox', endpoint || '/' || message_id,"
            + " processed_at > now() - interval '7 days' FROM pump.inbox ON CONFLICT DO NOTHING");
  }

  private static long remainingAged(Harness harness) {
    return harness.count(
            "SELECT count(*) FROM pump.outbox WHERE dispatched_at < now() - interval '7 days'")
        + harness.count(
            "SELECT count(*) FROM pump.inbox WHERE processed_at < now() - interval '7 days'");
  }

  private static Verdict retentionVerdict(Harness harness, Verdict before) {
    harness
        .storage()
        .jdbi()
        .useHandle(h -> {
          // anti-joins on the tables' primary keys: hundreds of thousands of recorded rows
          h.execute(
              "UPDATE fault_retention r SET gone = true WHERE kind = 'outbox' AND NOT EXISTS"
                  + " (SELECT 1 FROM pump.outbox o WHERE o.id = r.key::bigint)");
          h.execute(
              "UPDATE fault_retention r SET gone = true WHERE kind = 'inbox' AND NOT EXISTS"
                  + " (SELECT 1 FROM pump.inbox i WHERE i.endpoint = split_part(r.key, '/', 1)"
                  + " AND i.message_id = substr(r.key, length(split_part(r.key, '/', 1)) + 2))");
        });
    Map<String, Long> counts = new LinkedHashMap<>(before.counts());
    counts.put("purged", harness.count("SELECT count(*) FROM fault_retention WHERE gone"));
    counts.put("kept", harness.count("SELECT count(*) FROM fault_retention WHERE NOT gone"));
    List<Verdict.Violation> violations = new ArrayList<>(before.violations());
    violation(harness, violations, "kept-row-purged", "keep AND gone");
    violation(harness, violations, "aged-row-left", "NOT keep AND NOT gone");
    return new Verdict(counts, violations);
  }

  private static void violation(
      Harness harness, List<Verdict.Violation> violations, String rule, String where) {
    List<String> examples =
        harness
            .storage()
            .jdbi()
            .withHandle(h ->
                h.createQuery(
                        "SELECT kind || ' ' || key FROM fault_retention WHERE "
                            + where
                            + " ORDER BY kind, key LIMIT 5")
                    .mapTo(String.class)
                    .list());
    int count = (int) harness.count("SELECT count(*) FROM fault_retention WHERE " + where);
    if (count > 0) {
      violations.add(new Verdict.Violation(rule, count, examples));
    }
  }
}
