package io.shop.catalog.repository;

import io.shop.catalog.model.Category;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Repository class for categories. */
@ApplicationScoped
public class CategoryRepository {

    static final String ALL_SQL = "SELECT id, name, slug, parent_id FROM catalog.categories ORDER BY name, id";

    private final Pool pool;

    public CategoryRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<Category>> findAll() {
        return pool.preparedQuery(ALL_SQL).execute().map(rows -> {
            List<Category> categories = new ArrayList<>(rows.size());
            for (Row row : rows) {
                categories.add(new Category(row.getLong("id"), row.getString("name"), row.getString("slug"),
                        row.getLong("parent_id")));
            }
            return categories;
        });
    }
}
