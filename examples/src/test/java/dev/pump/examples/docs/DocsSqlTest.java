package dev.pump.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pump.testkit.PostgresExtension;
import dev.pump.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How the docs test runs a page: one rolled-back psql session, and blocks marked not to run. */
@ExtendWith(PostgresExtension.class)
class DocsSqlTest {
  @Test
  void aPageRunsAsOneSessionThatChangesNothingAndNotRunBlocksAreOnlyPrepared(
      TestDatabase db, @TempDir Path dir) throws IOException, SQLException {
    execute(db, "CREATE TABLE parked (id int, destination text)");
    execute(db, "INSERT INTO parked VALUES (1, 'billing')");
    Path page = dir.resolve("page.md");
    Files.writeString(
        page,
        """
        ```sql
        \\set destination 'billing'
        SET search_path TO public;
        ```

        ```sql
        DELETE FROM parked WHERE destination = :'destination';
        ```

        ```sql
        -- not run: a template
        DELETE FROM parked WHERE destinaton = '<destination>';
        VACUUM parked;
        ```

        ```sql
        -- not run: destructive
        UPDATE parked SET destination = :'destination';
        ```

        ```sql
        COMMIT;
        ```
        """);

    DocsSql.Outcome outcome = DocsSql.run(db.dataSource(), page, List.of());

    assertThat(outcome.statementsRun()).isEqualTo(2);
    assertThat(outcome.statementsPrepared()).isEqualTo(2);
    assertThat(outcome.problems()).hasSize(2);
    assertThat(outcome.problems().get(0))
        .startsWith(page + ":12: ERROR: column \"destinaton\" does not exist");
    assertThat(outcome.problems().get(1))
        .isEqualTo(
            page
                + ":22: transaction control cannot run in the docs test's session; put it in a '"
                + DocsSql.NOT_RUN
                + "' block: COMMIT");
    try (Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT destination FROM parked")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("billing");
    }
  }

  private static void execute(TestDatabase db, String sql) throws SQLException {
    try (Connection connection = db.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
