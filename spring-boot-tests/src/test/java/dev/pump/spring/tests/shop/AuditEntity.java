package dev.pump.spring.tests.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The audit table: JPA creates it, JdbcTemplate writes it. */
@Entity
@Table(name = "audit")
public class AuditEntity {
  @Id private String entry;
  private long txid;

  /** For JPA. */
  protected AuditEntity() {}
}
