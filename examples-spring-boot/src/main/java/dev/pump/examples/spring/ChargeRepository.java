package dev.pump.examples.spring;

import org.springframework.data.jpa.repository.JpaRepository;

/** The charges, through Spring Data JPA. */
interface ChargeRepository extends JpaRepository<Charge, String> {}
