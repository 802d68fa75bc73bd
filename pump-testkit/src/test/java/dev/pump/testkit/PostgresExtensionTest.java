package dev.pump.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {
  static String outerDatabase;

  @BeforeAll
  static void createMarkerTable(TestDatabase db) throws SQLException {
    outerDatabase = db.name();
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE marker (id int)");
      statement.execute("INSERT INTO marker VALUES (1)");
    }
  }

  @Test
  void everyMethodOfOneClassSharesItsDatabase(TestDatabase db) throws SQLException {
    assertThat(db.name()).isEqualTo(outerDatabase);
    assertThat(count(db, "SELECT count(*) FROM marker")).isEqualTo(1);
  }

  @Test
  void theDatabaseIsRealPostgresql(TestDatabase db) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW server_version_num")) {
      result.next();
      assertThat(Integer.parseInt(result.getString(1))).isGreaterThanOrEqualTo(140000);
    }
  }

  @Test
  void theDatabaseIsNamedAfterTheTestClass(TestDatabase db) {
    assertThat(db.name()).startsWith("t_postgresextensiontest_");
    assertThat(db.jdbcUrl()).contains(db.name());
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AnotherTestClass {
    @Test
    void getsAFreshDatabaseThatCannotSeeTheOtherClassesRows(TestDatabase db) throws SQLException {
      assertThat(db.name()).isNotEqualTo(outerDatabase);
      assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'")).isZero();
    }
  }

  private static long count(TestDatabase db, String sql) throws SQLException {
    try (Connection connection = db.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }
}
