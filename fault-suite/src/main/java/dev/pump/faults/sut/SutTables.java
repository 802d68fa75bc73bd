package dev.pump.faults.sut;

import org.jdbi.v3.core.Jdbi;

/**
 * The system under test's own tables, designed so the books can be checked from the database:
 *
 * <ul>
 *   <li>{@code fault_input}: the load generator's ledger, one row per copy of an input message
 *       sent, written in the same transaction as the send (so a row exists if and only if the send
 *       committed);
 *   <li>{@code fault_effect}: the business rows, one per message an endpoint handled, keyed by
 *       (endpoint, message id) but deliberately <em>without</em> a unique constraint, so a message
 *       handled twice shows up as two rows instead of a failed handler;
 *   <li>{@code fault_poison}: the hostile inputs put straight into the queue table, and the outcome
 *       each must have ({@code error}: lands in the error queue; {@code handled}: handled once);
 *   <li>{@code fault_route}: which endpoint reads a queue, where the two names differ (on a shared
 *       broker, queues carry a per-run prefix); {@code fault_topic}: topic subscriptions the
 *       database cannot see (a broker with native topics), so the books know who receives what.
 * </ul>
 */
public final class SutTables {
  private SutTables() {}

  /** Creates the tables if missing (idempotent, safe from several processes at once). */
  public static void create(Jdbi jdbi) {
    jdbi.useHandle(h -> {
      h.execute("SELECT pg_advisory_lock(4242)");
      try {
        h.execute(
            "CREATE TABLE IF NOT EXISTS fault_input (message_id text NOT NULL, copy int NOT NULL,"
                + " sent_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (message_id, copy))");
        h.execute(
            "CREATE TABLE IF NOT EXISTS fault_effect (id bigint GENERATED ALWAYS AS IDENTITY,"
                + " endpoint text NOT NULL, message_id text NOT NULL, order_id text NOT NULL,"
                + " pid bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())");
        // the transaction of each effect: effects sharing one were handled in one batch
        h.execute(
            "ALTER TABLE fault_effect ADD COLUMN IF NOT EXISTS tx bigint NOT NULL"
                + " DEFAULT txid_current()");
        h.execute(
            "CREATE INDEX IF NOT EXISTS fault_effect_key ON fault_effect (endpoint, message_id)");
        h.execute(
            "CREATE TABLE IF NOT EXISTS fault_poison (message_id text NOT NULL,"
                + " queue text NOT NULL, kind text NOT NULL, expect text NOT NULL"
                + " CHECK (expect IN ('error', 'handled')))");
        h.execute(
            "CREATE TABLE IF NOT EXISTS fault_route (queue text PRIMARY KEY, endpoint text NOT NULL)");
        h.execute(
            "CREATE TABLE IF NOT EXISTS fault_topic (topic text NOT NULL, queue text NOT NULL)");
        h.execute(
            "CREATE TABLE IF NOT EXISTS fault_broker_error (message_id text NOT NULL,"
                + " reason text NOT NULL)");
      } finally {
        h.execute("SELECT pg_advisory_unlock(4242)");
      }
    });
  }
}
