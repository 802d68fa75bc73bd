package dev.pump.spring.tests.shop;

import dev.pump.spring.PumpSender;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Records orders in a transaction of its own, with a message of its own. */
@Service
public class Ledger {
  private final JdbcTemplate jdbc;
  private final PumpSender pump;

  Ledger(JdbcTemplate jdbc, PumpSender pump) {
    this.jdbc = jdbc;
    this.pump = pump;
  }

  /** Writes a ledger line and sends LedgerRecorded, committed whatever the caller does. */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public void record(String orderId) {
    jdbc.update("INSERT INTO audit (entry, txid) VALUES (?, txid_current())", "ledger " + orderId);
    pump.send("ledger", new LedgerRecorded(orderId));
  }

  /** A ledger line was written. */
  public record LedgerRecorded(String orderId) {}
}
