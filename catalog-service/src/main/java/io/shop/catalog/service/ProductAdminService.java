package io.shop.catalog.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.shop.catalog.entity.CategoryEntity;
import io.shop.catalog.entity.InventoryEntity;
import io.shop.catalog.entity.OutboxRecord;
import io.shop.catalog.entity.ProductEntity;
import io.shop.catalog.entity.VariantEntity;
import io.shop.catalog.model.AdminProduct;
import io.shop.catalog.model.AdminVariant;
import io.shop.catalog.model.Category;
import io.shop.catalog.model.CategoryUpdate;
import io.shop.catalog.model.NewCategory;
import io.shop.catalog.model.NewProduct;
import io.shop.catalog.model.NewVariant;
import io.shop.catalog.model.ProductUpdate;
import io.shop.catalog.model.StockLevel;
import io.shop.catalog.model.VariantUpdate;
import io.shop.common.error.ProblemException;
import io.shop.common.events.ProductChanged;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.hibernate.exception.ConstraintViolationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Service class for admin writes to the catalog, on Hibernate Reactive with Panache: categories, products, variants
 * and stock. Every write runs in one Hibernate session and transaction: it locks the product row first (as checkout
 * does, so writers never deadlock), changes the entities, raises the product's version and persists the
 * ProductChanged event as an {@link OutboxRecord} in that same session, so the change and its event commit together
 * or not at all. The relay publishes the event and the invalidator evicts both cache levels.
 */
@ApplicationScoped
public class ProductAdminService {

    static final String UNIQUE_SLUG = "categories_slug_key";

    /**
     * Raises the version after the entity changes are flushed (the stock and rating triggers raise it too), then
     * reads it. No native query here returns rows (no {@code UPDATE ... RETURNING}): Hibernate 7.2 caches a native
     * query's plan under its result mapping, which never equals the next query's, so each write was planned anew and
     * added a cache entry under the same hash as the others, every lookup then walking them all (10% of the
     * instance's CPU under admin writes). Native updates and HQL queries are planned once (AdminProductTest,
     * AdminCatalogTest).
     */
    private static final String BUMP_VERSION_SQL =
            "UPDATE catalog.products SET version = version + 1, updated_at = now() WHERE id = ?1";
    private static final String VERSION_HQL = "select p.version from ProductEntity p where p.id = :id";
    private static final String CATEGORY_PRODUCTS_HQL =
            "select p.id, p.version, p.featured from ProductEntity p where p.categoryId = :category order by p.id";
    private static final String BUMP_CATEGORY_VERSIONS_SQL =
            "UPDATE catalog.products SET version = version + 1, updated_at = now() WHERE category_id = ?1";

    private final ObjectMapper json;

    public ProductAdminService(ObjectMapper json) {
        this.json = json;
    }

    // ---------------------------------------------------------------- categories

    public Uni<Category> createCategory(NewCategory request) {
        return transaction(() -> requireCategory("parentId", request.parentId()).chain(() -> {
            CategoryEntity category = new CategoryEntity();
            category.name = request.name();
            category.slug = request.slug();
            category.parentId = request.parentId();
            return category.<CategoryEntity>persist().call(Panache::flush);
        })).map(ProductAdminService::category);
    }

    /**
     * A new name shows on the pages and lists of every product of the category: each of them gets a new version
     * and an event, in this transaction. The products are locked in id order first, as checkout locks them.
     */
    public Uni<Category> updateCategory(long id, CategoryUpdate update) {
        if (update.isEmpty()) {
            throw ProblemException.badRequest("body", "name at least one of name, slug");
        }
        return transaction(() -> CategoryEntity.<CategoryEntity>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .map(found -> orNotFound(found, "No category with id " + id))
                .chain(category -> {
                    boolean renamed = update.name() != null && !update.name().equals(category.name);
                    category.name = Objects.requireNonNullElse(update.name(), category.name);
                    category.slug = Objects.requireNonNullElse(update.slug(), category.slug);
                    Uni<Void> written = Panache.flush();
                    if (renamed) {
                        written = written.chain(() -> renameShownOnProducts(id));
                    }
                    return written.replaceWith(category);
                })).map(ProductAdminService::category);
    }

    /**
     * Locks the category's products in id order (as checkout locks them), bumps their versions in one update and
     * announces each: its new version is the one read under the lock plus one, as nothing else can move it meanwhile.
     */
    private Uni<Void> renameShownOnProducts(long categoryId) {
        return Panache.getSession().chain(session -> session.createSelectionQuery(CATEGORY_PRODUCTS_HQL, Object[].class)
                .setParameter("category", categoryId).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList()
                .call(() -> session.createNativeQuery(BUMP_CATEGORY_VERSIONS_SQL).setParameter(1, categoryId).executeUpdate())
                .chain(locked -> announce(locked.stream().map(row -> event((Long) row[0], "category", true,
                        (Boolean) row[2], (Long) row[1] + 1)).toList())));
    }

    // ---------------------------------------------------------------- products

    public Uni<AdminProduct> createProduct(NewProduct request) {
        return transaction(() -> requireCategory("categoryId", request.categoryId()).chain(() -> {
            ProductEntity product = new ProductEntity();
            product.name = request.name();
            product.description = Objects.requireNonNullElse(request.description(), "");
            product.categoryId = request.categoryId();
            product.price = request.price().setScale(2);
            product.featured = Boolean.TRUE.equals(request.featured());
            product.active = !Boolean.FALSE.equals(request.active());
            return product.<ProductEntity>persist().call(Panache::flush)
                    .call(p -> addVariants(p.id, request.variantsOrNone()))
                    // A new product shows in lists when active; a cached 404 (tombstone) of its id is evicted anyway.
                    .chain(p -> bumpAndAnnounce(p, "created", p.active, p.featured, this::adminProduct));
        }));
    }

    public Uni<AdminProduct> updateProduct(long id, ProductUpdate update) {
        if (update.isEmpty()) {
            throw ProblemException.badRequest("body",
                    "name at least one of name, description, categoryId, price, featured, active");
        }
        return transaction(() -> lockProduct(id).chain(product -> requireCategory("categoryId", update.categoryId())
                .chain(() -> {
                    boolean wasFeatured = product.featured;
                    Listing listed = Listing.of(product);
                    product.name = Objects.requireNonNullElse(update.name(), product.name);
                    product.description = Objects.requireNonNullElse(update.description(), product.description);
                    product.categoryId = Objects.requireNonNullElse(update.categoryId(), product.categoryId);
                    product.price = update.price() == null ? product.price : update.price().setScale(2);
                    product.featured = Objects.requireNonNullElse(update.featured(), product.featured);
                    product.active = Objects.requireNonNullElse(update.active(), product.active);
                    boolean listingChanged = !listed.equals(Listing.of(product));
                    String change = update.price() != null ? "price"
                            : update.featured() != null || update.active() != null ? "flags" : "details";
                    return bumpAndAnnounce(product, change, listingChanged, product.featured || wasFeatured,
                            this::adminProduct);
                })));
    }

    /** What lists (search, featured) show of a product; the description shows only on its page. */
    private record Listing(String name, Long categoryId, BigDecimal price, boolean featured, boolean active) {
        static Listing of(ProductEntity p) {
            return new Listing(p.name, p.categoryId, p.price, p.featured, p.active);
        }
    }

    // ---------------------------------------------------------------- variants and stock

    public Uni<AdminVariant> addVariant(long productId, NewVariant request) {
        return transaction(() -> lockProduct(productId).chain(product -> addVariants(productId, List.of(request))
                .chain(added -> bumpAndAnnounce(product, "variant", request.openingStock() > 0, product.featured,
                        p -> Uni.createFrom().item(variant(added.get(0), request.openingStock(), p.version))))));
    }

    public Uni<AdminVariant> updateVariant(long productId, long variantId, VariantUpdate update) {
        if (update.isEmpty()) {
            throw ProblemException.badRequest("body", "name at least one of sku, size, color");
        }
        return transaction(() -> lockProduct(productId).chain(product -> findVariant(productId, variantId)
                .chain(variant -> {
                    variant.sku = Objects.requireNonNullElse(update.sku(), variant.sku);
                    variant.size = Objects.requireNonNullElse(update.size(), variant.size);
                    variant.color = Objects.requireNonNullElse(update.color(), variant.color);
                    // Lists show no variant attributes: only the product's page changes.
                    return Panache.flush().chain(() -> bumpAndAnnounce(product, "variant", false, product.featured,
                            p -> InventoryEntity.<InventoryEntity>findById(variantId)
                                    .map(stock -> variant(variant, stock == null ? 0 : stock.quantityAvailable, p.version))));
                })));
    }

    /** Received units add to what is there: under the product's lock, no checkout can decrement in between. */
    public Uni<StockLevel> restock(long productId, long variantId, int quantity) {
        return transaction(() -> lockProduct(productId).chain(product -> findVariant(productId, variantId)
                .chain(variant -> InventoryEntity.<InventoryEntity>findById(variantId))
                .chain(found -> found != null ? Uni.createFrom().item(found) : InventoryEntity.empty(variantId).persist())
                .chain(stock -> {
                    boolean crossedZero = stock.quantityAvailable == 0;
                    stock.quantityAvailable += quantity;
                    // In or out of stock shows in lists: only a crossing of zero changes them.
                    return bumpAndAnnounce(product, "stock", crossedZero, product.featured,
                            p -> Uni.createFrom().item(new StockLevel(productId, variantId, stock.quantityAvailable, p.version)));
                })));
    }

    private Uni<List<VariantEntity>> addVariants(long productId, List<NewVariant> requests) {
        List<VariantEntity> variants = new ArrayList<>(requests.size());
        for (NewVariant request : requests) {
            VariantEntity v = new VariantEntity();
            v.productId = productId;
            v.sku = request.sku();
            v.size = request.size();
            v.color = request.color();
            variants.add(v);
        }
        if (variants.isEmpty()) {
            return Uni.createFrom().item(variants);
        }
        // Flushed first: the stock rows need the variants' ids (and a duplicate SKU fails here, as a 409).
        return VariantEntity.persist(variants).call(Panache::flush).chain(() -> {
            List<InventoryEntity> stock = new ArrayList<>(variants.size());
            for (int i = 0; i < variants.size(); i++) {
                InventoryEntity s = InventoryEntity.empty(variants.get(i).id);
                s.quantityAvailable = requests.get(i).openingStock();
                stock.add(s);
            }
            return InventoryEntity.persist(stock).replaceWith(variants);
        });
    }

    // ---------------------------------------------------------------- shared steps

    /** Runs a write in one Hibernate Reactive transaction; a broken unique constraint is the client's conflict. */
    private static <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work)
                .onFailure(failure -> violated(failure, VariantEntity.UNIQUE_SKU)).transform(failure ->
                        ProblemException.conflict("SKU in use", "Another variant already has this SKU"))
                .onFailure(failure -> violated(failure, UNIQUE_SLUG)).transform(failure ->
                        ProblemException.conflict("Slug in use", "Another category already has this slug"));
    }

    /**
     * Hibernate Reactive reports a violation as its own ConstraintViolationException, with the constraint's name
     * but without the driver's exception as cause (the SQL-client paths use DatabaseErrors.violated).
     */
    private static boolean violated(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConstraintViolationException v && constraint.equals(v.getConstraintName())) {
                return true;
            }
        }
        return false;
    }

    private static Uni<ProductEntity> lockProduct(long id) {
        return ProductEntity.<ProductEntity>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .map(found -> orNotFound(found, "No product with id " + id));
    }

    private static Uni<VariantEntity> findVariant(long productId, long variantId) {
        return VariantEntity.<VariantEntity>findById(variantId).map(v -> orNotFound(
                v == null || v.productId != productId ? null : v, "Product " + productId + " has no variant " + variantId));
    }

    private static Uni<Void> requireCategory(String field, Long categoryId) {
        if (categoryId == null) {
            return Uni.createFrom().voidItem();
        }
        return CategoryEntity.findById(categoryId).invoke(found -> {
            if (found == null) {
                throw ProblemException.badRequest(field, "no category with id " + categoryId);
            }
        }).replaceWithVoid();
    }

    /**
     * Flushes the entity changes, raises the product's version and reads it back (a stock change's trigger may have
     * raised it already; a native UPDATE ... RETURNING would save a round trip, but Hibernate plans a native
     * selection anew on every call, see AdminProductTest), builds the answer, and persists the event at that version
     * last: a cached copy of any older version is then refused and evicted. The event's row is the transaction's last
     * statement before COMMIT, so its occurred_at, where the relay and invalidation lags start, is one round trip
     * from the commit.
     */
    private <T> Uni<T> bumpAndAnnounce(ProductEntity product, String change, boolean listingChanged, boolean featured,
                                       Function<ProductEntity, Uni<T>> answer) {
        return Panache.flush()
                .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(BUMP_VERSION_SQL)
                        .setParameter(1, product.id).executeUpdate()
                        .chain(() -> s.createSelectionQuery(VERSION_HQL, Long.class)
                                .setParameter("id", product.id).getSingleResult())))
                .invoke(version -> product.version = version)
                .chain(() -> answer.apply(product))
                .call(() -> announce(List.of(event(product.id, change, listingChanged, featured, product.version))));
    }

    private OutboxRecord event(long productId, String change, boolean listingChanged, boolean featured, long version) {
        return OutboxRecord.of(new ProductChanged(productId, change, listingChanged, featured).toOutbox(json, version));
    }

    private static Uni<Void> announce(List<OutboxRecord> events) {
        return OutboxRecord.persist(events).call(Panache::flush);
    }

    /** The product as this transaction leaves it, with its variants and their stock (one query). */
    private Uni<AdminProduct> adminProduct(ProductEntity p) {
        return Panache.getSession().chain(session -> session.createSelectionQuery("""
                        select v, coalesce(i.quantityAvailable, 0) from VariantEntity v
                          left join InventoryEntity i on i.variantId = v.id
                         where v.productId = :product order by v.id""", Object[].class)
                        .setParameter("product", p.id).getResultList())
                .map(rows -> new AdminProduct(p.id, p.name, p.description, p.categoryId, p.price, p.featured, p.active,
                        p.version, rows.stream().map(row -> variant((VariantEntity) row[0], (Integer) row[1], p.version))
                        .toList()));
    }

    private static AdminVariant variant(VariantEntity v, int quantityAvailable, long productVersion) {
        return new AdminVariant(v.id, v.productId, v.sku, v.size, v.color, quantityAvailable, productVersion);
    }

    private static Category category(CategoryEntity c) {
        return new Category(c.id, c.name, c.slug, c.parentId);
    }

    private static <T> T orNotFound(T found, String detail) {
        if (found == null) {
            throw ProblemException.notFound(detail);
        }
        return found;
    }
}
