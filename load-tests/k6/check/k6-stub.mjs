// Stand-ins for k6's modules, enough to evaluate a script's init code (its options) under Node. Only
// check/options.mjs uses them: nothing here sends a request.
const http = {
  get() { throw new Error('no requests outside k6'); },
  post() { throw new Error('no requests outside k6'); },
  expectedStatuses: (...statuses) => ({ expectedStatuses: statuses }),
};
export default http;
export const check = () => true;
export const sleep = () => {};
