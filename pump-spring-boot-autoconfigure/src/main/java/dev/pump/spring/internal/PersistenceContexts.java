package dev.pump.spring.internal;

import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * The JPA persistence contexts bound to the current Spring transaction. Spring ORM is optional:
 * without it there is nothing to clear.
 */
public final class PersistenceContexts {
  private static final boolean JPA =
      ClassUtils.isPresent(
              "org.springframework.orm.jpa.EntityManagerHolder",
              PersistenceContexts.class.getClassLoader())
          && ClassUtils.isPresent(
              "jakarta.persistence.EntityManager", PersistenceContexts.class.getClassLoader());

  private PersistenceContexts() {}

  /**
   * Clears every entity manager bound to the current transaction: after a rollback to a savepoint,
   * the entities it holds may describe writes that no longer exist.
   */
  public static void clearBound() {
    if (JPA) {
      Jpa.clear();
    }
  }

  /** Touches JPA's classes only when they are present. */
  private static final class Jpa {
    static void clear() {
      for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
        if (resource instanceof EntityManagerHolder holder) {
          holder.getEntityManager().clear();
        }
      }
    }
  }
}
