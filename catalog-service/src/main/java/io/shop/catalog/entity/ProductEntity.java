package io.shop.catalog.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;

/**
 * A row of catalog.products, as admin writes see it. The version is not written through the entity: stock and
 * rating triggers bump it in the database too, so every write raises it with one UPDATE after its flush
 * (ProductAdminService) and reads the result back.
 */
@Entity
@Table(schema = "catalog", name = "products")
public class ProductEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "category_id", nullable = false)
    public Long categoryId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String description;

    @Column(name = "base_price", nullable = false, precision = 12, scale = 2)
    public BigDecimal price;

    @Column(name = "is_featured", nullable = false)
    public boolean featured;

    @Column(name = "is_active", nullable = false)
    public boolean active;

    @Column(insertable = false, updatable = false)
    public long version;
}
