package io.shop.order.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.shop.order.repository.InventoryRepository.LockedStock;
import io.shop.order.repository.InventoryRepository.ProductVersion;
import io.shop.order.repository.InventoryRepository.StockChange;
import io.shop.order.repository.InventoryRepository.StockLevel;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a stock change leaves, computed from the locked rows before it runs (CheckoutTest checks it against the trigger). */
class StockChangeTest {

    private static LockedStock locked(long variant, long product, int quantity, long productVersion) {
        return new LockedStock(variant, product, "P" + product, "SKU-" + variant, null, null, BigDecimal.TEN, quantity,
                productVersion, false);
    }

    @Test
    void shouldBumpAProductOncePerVariantChangedAndFlagLevelsThatCrossZero() {
        Map<Long, LockedStock> locked = Map.of(
                11L, locked(11, 1, 2, 40),
                12L, locked(12, 1, 0, 40),
                21L, locked(21, 2, 5, 7));

        StockChange change = InventoryRepository.afterChange(locked, new Long[] {11L, 12L, 21L}, new Integer[] {-2, 3, -1});

        assertThat(change.levels()).containsExactly(
                new StockLevel(11, 0, true), new StockLevel(12, 3, true), new StockLevel(21, 4, false));
        assertThat(change.products()).containsExactly(new ProductVersion(1, 42, false), new ProductVersion(2, 8, false));
    }
}
