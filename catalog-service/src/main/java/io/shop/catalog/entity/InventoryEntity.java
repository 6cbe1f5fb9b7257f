package io.shop.catalog.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A variant's stock (catalog.inventory). Written only under its product's row lock, like checkout writes it, so a
 * read-modify-write here cannot lose a concurrent checkout's decrement; the trigger on this table keeps the
 * product's in-stock count and bumps its version.
 */
@Entity
@Table(schema = "catalog", name = "inventory")
public class InventoryEntity extends PanacheEntityBase {

    @Id
    @Column(name = "product_variant_id")
    public Long variantId;

    @Column(name = "quantity_available", nullable = false)
    public int quantityAvailable;

    /** A stock row of 0 units, for a variant that has none yet. */
    public static InventoryEntity empty(long variantId) {
        InventoryEntity stock = new InventoryEntity();
        stock.variantId = variantId;
        return stock;
    }
}
