package io.shop.common.error;

import java.util.Optional;

/**
 * Recognises a failure of something a service depends on (the database away, text it cannot store) as the problem
 * a client gets instead of a 500. ProblemMappers asks every bean of this type before it counts a failure as
 * unexpected; shop-database provides the database's, so services without a database carry no database code.
 */
public interface DependencyFailures {

    Optional<Problem> problemFor(Throwable failure);
}
