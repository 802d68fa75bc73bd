/** Pump on PostgreSQL: unit of work, inbox, outbox, dispatcher, PostgreSQL queue transport. */
module dev.pump.jdbc {
  requires transitive dev.pump.core;
  requires transitive dev.pump.migrations;
  requires transitive org.jdbi.v3.core;
  requires transitive com.zaxxer.hikari;
  requires org.postgresql.jdbc;

  exports dev.pump.jdbc;
  exports dev.pump.jdbc.spi;
}
