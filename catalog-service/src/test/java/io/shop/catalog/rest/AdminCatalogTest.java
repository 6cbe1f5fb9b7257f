package io.shop.catalog.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.shop.common.testing.TestData;
import io.shop.common.testing.Tokens;
import jakarta.inject.Inject;
import org.hibernate.reactive.mutiny.Mutiny;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Catalog management through the admin API (Hibernate Reactive): categories, products and variants are created and
 * edited, each write commits with its ProductChanged event in one transaction, and bad input changes nothing.
 */
@QuarkusTest
class AdminCatalogTest {

    @Inject
    AgroalDataSource db;

    @Inject
    Mutiny.SessionFactory sessions;

    /** Unique per test run: the test database outlives runs. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void dataset() {
        TestData.ensureSmallDataset(db);
    }

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tokens.admin(1)).contentType(ContentType.JSON);
    }

    private long newCategory(String slug) {
        return admin().body("{\"name\": \"Lamps " + slug + "\", \"slug\": \"" + slug + "\"}")
                .when().post("/admin/categories")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private long outboxRows() {
        return TestData.single(db, Long.class, "SELECT count(*) FROM catalog.outbox");
    }

    private List<String> events(long productId) {
        return TestData.column(db, String.class, """
                SELECT version || ' ' || (payload ->> 'change') || ' ' || (payload ->> 'listingChanged')
                  FROM catalog.outbox WHERE aggregatetype = 'product' AND aggregateid = ? ORDER BY seq""",
                String.valueOf(productId));
    }

    private long version(long id) {
        return TestData.single(db, Long.class, "SELECT version FROM catalog.products WHERE id = ?", id);
    }

    @Test
    void shouldCreateAProductWithVariantsAndItsEventInTheSameTransaction() {
        long category = newCategory("lamps-" + run);
        var created = admin().body("""
                        {"name": "Brass Desk Lamp %s", "description": "Warm light.", "categoryId": %d, "price": 49.5,
                         "variants": [{"sku": "LAMP-%s-S", "size": "S", "color": "brass", "quantity": 5},
                                      {"sku": "LAMP-%s-L", "size": "L"}]}""".formatted(run, category, run, run))
                .when().post("/admin/products")
                .then().statusCode(201).header("Location", containsString("/admin/products/"))
                .body("name", equalTo("Brass Desk Lamp " + run)).body("price", equalTo(49.5f))
                .body("active", equalTo(true)).body("featured", equalTo(false))
                .body("variants", hasSize(2)).body("variants[0].quantityAvailable", equalTo(5))
                .body("variants[1].quantityAvailable", equalTo(0)).body("variants[1].color", equalTo(null))
                .extract().jsonPath();
        long id = created.getLong("id");
        assertThat(created.getLong("version")).isEqualTo(version(id));
        assertThat(events(id)).containsExactly(version(id) + " created true");
        // One transaction: the product row and its event were written by the same transaction id.
        assertThat(TestData.single(db, String.class, "SELECT xmin::text FROM catalog.products WHERE id = ?", id))
                .isEqualTo(TestData.single(db, String.class,
                        "SELECT xmin::text FROM catalog.outbox WHERE aggregateid = ?", String.valueOf(id)));

        // The public page shows it (in stock through its first variant) and search finds it.
        given().when().get("/products/" + id).then().statusCode(200)
                .body("name", equalTo("Brass Desk Lamp " + run)).body("categoryName", equalTo("Lamps lamps-" + run))
                .body("variants", hasSize(2));
        given().queryParam("q", "Brass Desk Lamp " + run).when().get("/products").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem((int) id));
    }

    @Test
    void shouldEditAProductAndSayWhetherListsChange() {
        long category = newCategory("shades-" + run);
        long id = admin().body("{\"name\": \"Shade %s\", \"categoryId\": %d, \"price\": 20}".formatted(run, category))
                .when().post("/admin/products").then().statusCode(201).extract().jsonPath().getLong("id");

        admin().body("{\"description\": \"Linen, hand-stitched.\"}").when().patch("/admin/products/" + id)
                .then().statusCode(200).body("description", equalTo("Linen, hand-stitched."))
                .body("name", equalTo("Shade " + run));
        admin().body("{\"name\": \"Linen Shade %s\", \"price\": 20.00}".formatted(run)).when().patch("/admin/products/" + id)
                .then().statusCode(200).body("name", equalTo("Linen Shade " + run));
        admin().body("{\"active\": false}").when().patch("/admin/products/" + id)
                .then().statusCode(200).body("active", equalTo(false));

        List<String> events = events(id);
        assertThat(events).hasSize(4);
        assertThat(events.get(1)).as("a description shows only on the page").endsWith(" details false");
        assertThat(events.get(2)).as("a new name shows in lists").endsWith(" price true");
        assertThat(events.get(3)).as("deactivation drops it from lists").endsWith(" flags true");
        assertThat(events).extracting(e -> Long.parseLong(e.split(" ")[0])).isSorted().doesNotHaveDuplicates();
        given().when().get("/products/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void shouldAddAndEditVariantsWithUniqueSkus() {
        long category = newCategory("bulbs-" + run);
        long id = admin().body("{\"name\": \"Bulb %s\", \"categoryId\": %d, \"price\": 3.99}".formatted(run, category))
                .when().post("/admin/products").then().statusCode(201).extract().jsonPath().getLong("id");

        long variant = admin().body("{\"sku\": \"BULB-%s-E27\", \"size\": \"E27\", \"quantity\": 12}".formatted(run))
                .when().post("/admin/products/" + id + "/variants")
                .then().statusCode(201).header("Location", containsString("/admin/products/" + id + "/variants/"))
                .body("quantityAvailable", equalTo(12)).extract().jsonPath().getLong("id");
        admin().body("{\"color\": \"warm white\"}").when().patch("/admin/products/" + id + "/variants/" + variant)
                .then().statusCode(200).body("color", equalTo("warm white")).body("sku", equalTo("BULB-" + run + "-E27"))
                .body("quantityAvailable", equalTo(12)).body("productVersion", equalTo((int) version(id)));

        long before = outboxRows();
        admin().body("{\"sku\": \"BULB-%s-E27\"}".formatted(run)).when().post("/admin/products/" + id + "/variants")
                .then().statusCode(409).contentType("application/problem+json").body("title", equalTo("SKU in use"));
        // A product whose second variant repeats a SKU is not created at all, nor announced.
        admin().body("""
                {"name": "Twin %s", "categoryId": %d, "price": 1, "variants": [{"sku": "TWIN-%s"}, {"sku": "TWIN-%s"}]}"""
                .formatted(run, category, run, run)).when().post("/admin/products")
                .then().statusCode(409).body("title", equalTo("SKU in use"));
        assertThat(TestData.single(db, Long.class, "SELECT count(*) FROM catalog.products WHERE name = ?", "Twin " + run))
                .isZero();
        assertThat(outboxRows()).isEqualTo(before);

        long other = TestData.single(db, Long.class,
                "SELECT id FROM catalog.product_variants WHERE product_id <> ? ORDER BY id LIMIT 1", id);
        admin().body("{\"size\": \"XL\"}").when().patch("/admin/products/" + id + "/variants/" + other)
                .then().statusCode(404).body("detail", containsString("has no variant"));
    }

    @Test
    void renamingACategoryGivesEachOfItsProductsANewVersionAndEvent() {
        long category = newCategory("desks-" + run);
        long first = admin().body("{\"name\": \"Desk A %s\", \"categoryId\": %d, \"price\": 100}".formatted(run, category))
                .when().post("/admin/products").then().statusCode(201).extract().jsonPath().getLong("id");
        long second = admin().body("{\"name\": \"Desk B %s\", \"categoryId\": %d, \"price\": 120}".formatted(run, category))
                .when().post("/admin/products").then().statusCode(201).extract().jsonPath().getLong("id");
        long before1 = version(first);
        long before2 = version(second);

        admin().body("{\"name\": \"Writing desks\"}").when().patch("/admin/categories/" + category)
                .then().statusCode(200).body("name", equalTo("Writing desks")).body("slug", equalTo("desks-" + run));

        assertThat(version(first)).isGreaterThan(before1);
        assertThat(version(second)).isGreaterThan(before2);
        assertThat(events(first)).last().isEqualTo(version(first) + " category true");
        assertThat(events(second)).last().isEqualTo(version(second) + " category true");
        // Read for the first time after the rename (no relay runs in these tests to evict a cached copy).
        given().when().get("/products/" + first).then().statusCode(200).body("categoryName", equalTo("Writing desks"));

        // A new slug alone changes no product page.
        admin().body("{\"slug\": \"writing-desks-" + run + "\"}").when().patch("/admin/categories/" + category)
                .then().statusCode(200);
        assertThat(events(first)).hasSize(2);
        given().when().get("/categories").then().statusCode(200)
                .body("find { it.id == " + category + " }.slug", equalTo("writing-desks-" + run));

        // Renaming again is planned from the query-plan cache, not anew.
        long missesBefore = sessions.getStatistics().getQueryPlanCacheMissCount();
        admin().body("{\"name\": \"Standing desks\"}").when().patch("/admin/categories/" + category).then().statusCode(200);
        assertThat(sessions.getStatistics().getQueryPlanCacheMissCount() - missesBefore).isZero();
        assertThat(events(first)).last().isEqualTo(version(first) + " category true");
    }

    @Test
    void categoryConflictsAndUnknownParentsAreRefused() {
        long category = newCategory("chairs-" + run);
        admin().body("{\"name\": \"Chairs again\", \"slug\": \"chairs-" + run + "\"}").when().post("/admin/categories")
                .then().statusCode(409).contentType("application/problem+json").body("title", equalTo("Slug in use"));
        admin().body("{\"name\": \"Stools\", \"slug\": \"stools-" + run + "\", \"parentId\": 999999999}")
                .when().post("/admin/categories")
                .then().statusCode(400).body("'invalid-params'[0].name", equalTo("parentId"));
        admin().body("{\"name\": \"Stools\", \"slug\": \"stools-" + run + "\", \"parentId\": " + category + "}")
                .when().post("/admin/categories").then().statusCode(201).body("parentId", equalTo((int) category));
        admin().body("{\"slug\": \"stools-" + run + "\"}").when().patch("/admin/categories/" + category)
                .then().statusCode(409);
        admin().body("{\"name\": \"X\"}").when().patch("/admin/categories/999999999").then().statusCode(404);
        admin().body("{\"name\": \"Sofa\", \"categoryId\": 999999999, \"price\": 1}").when().post("/admin/products")
                .then().statusCode(400).body("'invalid-params'[0].name", equalTo("categoryId"));
    }

    @Test
    void onlyAdminsWrite() {
        String body = "{\"name\": \"Nope\", \"slug\": \"nope-" + run + "\"}";
        given().contentType(ContentType.JSON).body(body).when().post("/admin/categories")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(Tokens.customer(1)).contentType(ContentType.JSON).body(body).when().post("/admin/categories")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(Tokens.customer(1)).contentType(ContentType.JSON)
                .body("{\"name\": \"Nope\", \"categoryId\": 1, \"price\": 1}").when().post("/admin/products")
                .then().statusCode(403);
        given().auth().oauth2(Tokens.expired(1)).contentType(ContentType.JSON).body("{\"sku\": \"NOPE\"}")
                .when().post("/admin/products/1/variants").then().statusCode(401);
        assertThat(TestData.single(db, Long.class, "SELECT count(*) FROM catalog.categories WHERE slug = ?", "nope-" + run))
                .isZero();
    }

    @Test
    void badBodiesAre400sNamingTheFieldAndChangeNothing() {
        long category = newCategory("rugs-" + run);
        long products = TestData.single(db, Long.class, "SELECT count(*) FROM catalog.products");
        long outbox = outboxRows();
        String[][] productBodies = {
            {"{\"categoryId\": %d, \"price\": 1}", "name"},
            {"{\"name\": \"   \", \"categoryId\": %d, \"price\": 1}", "name"},
            {"{\"name\": \"Two\\nlines\", \"categoryId\": %d, \"price\": 1}", "name"},
            {"{\"name\": \"" + "x".repeat(201) + "\", \"categoryId\": %d, \"price\": 1}", "name"},
            {"{\"name\": \"Rug\", \"categoryId\": %d}", "price"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 0}", "price"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 1.001}", "price"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": \"1\"}", "price"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 1, \"price\": 2}", "price"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 1, \"stock\": 5}", "stock"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 1, \"variants\": [{\"sku\": \"has space\"}]}", "variants[0].sku"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 1, \"variants\": [{\"sku\": \"R-1\", \"quantity\": -1}]}", "variants[0].quantity"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 1, \"variants\": [null]}", "variants[0]"},
            {"{\"name\": \"Rug\", \"categoryId\": %d, \"price\": 1, \"description\": \"" + "d".repeat(5001) + "\"}", "description"},
        };
        for (String[] c : productBodies) {
            admin().body(c[0].formatted(category)).when().post("/admin/products")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("'invalid-params'.name", org.hamcrest.Matchers.hasItem(c[1]));
        }
        admin().body("{\"name\": \"Rug\"} trailing").when().post("/admin/products").then().statusCode(400);
        admin().body("").when().post("/admin/products").then().statusCode(400);
        admin().body("null").when().post("/admin/products").then().statusCode(400)
                .body("'invalid-params'[0].name", equalTo("body"));
        // Larger than shop.http.max-body-bytes: a 413 problem, not the HTTP layer's bare answer.
        admin().body("{\"name\": \"" + "n".repeat(70_000) + "\"}").when().post("/admin/products")
                .then().statusCode(413).contentType("application/problem+json");
        // Larger than the HTTP layer's own 1 MB cap too: the same problem, not Quarkus' empty 413.
        admin().body("{\"name\": \"" + "n".repeat(2_000_000) + "\"}").when().post("/admin/products")
                .then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("at most 65536"));
        admin().body("{\"name\": \"Bad\", \"slug\": \"Has Spaces\"}").when().post("/admin/categories")
                .then().statusCode(400).body("'invalid-params'[0].name", equalTo("slug"));
        admin().body("{}").when().patch("/admin/categories/" + category).then().statusCode(400);
        admin().body("{}").when().patch("/admin/products/1/variants/1").then().statusCode(400);
        admin().body("{\"sku\": \"\"}").when().patch("/admin/products/1/variants/1")
                .then().statusCode(400).body("'invalid-params'[0].name", equalTo("sku"));
        admin().body("{\"name\": \"\"}").when().patch("/admin/products/1").then().statusCode(400)
                .body("'invalid-params'[0].name", equalTo("name"));
        admin().body("{\"categoryId\": 0}").when().patch("/admin/products/1").then().statusCode(400)
                .body("'invalid-params'[0].name", equalTo("categoryId"));

        assertThat(TestData.single(db, Long.class, "SELECT count(*) FROM catalog.products")).isEqualTo(products);
        assertThat(outboxRows()).isEqualTo(outbox);
    }
}
