package dev.pump.spring.tests.shop;

import org.springframework.data.jpa.repository.JpaRepository;

/** Shipments, through Spring Data JPA. */
public interface ShipmentRepository extends JpaRepository<ShipmentEntity, String> {}
