// Node module hooks: 'k6' and 'k6/*' imports resolve to check/k6-stub.mjs.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    return { url: new URL('./k6-stub.mjs', import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
