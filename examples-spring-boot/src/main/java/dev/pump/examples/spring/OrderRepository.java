package dev.pump.examples.spring;

import org.springframework.data.jpa.repository.JpaRepository;

/** The orders, through Spring Data JPA. */
interface OrderRepository extends JpaRepository<ShopOrder, String> {}
