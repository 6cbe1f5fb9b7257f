package io.shop.catalog.service;

import io.shop.catalog.model.Category;
import io.shop.catalog.repository.CategoryRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Service class for categories. */
@ApplicationScoped
public class CategoryService {

    private final CategoryRepository categories;

    public CategoryService(CategoryRepository categories) {
        this.categories = categories;
    }

    public Uni<List<Category>> findAllCategories() {
        return categories.findAll();
    }
}
