package io.shop.catalog.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of catalog.product_variants; its SKU is unique across the catalog (product_variants_sku_key). */
@Entity
@Table(schema = "catalog", name = "product_variants")
public class VariantEntity extends PanacheEntityBase {

    /** The unique constraint on the SKU, as PostgreSQL names it in a violation. */
    public static final String UNIQUE_SKU = "product_variants_sku_key";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "product_id", nullable = false)
    public Long productId;

    @Column(nullable = false)
    public String sku;

    public String size;

    public String color;
}
