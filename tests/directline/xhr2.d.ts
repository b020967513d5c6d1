declare module 'xhr2' {
  /** An XMLHttpRequest for Node, for `botframework-directlinejs`'s rxjs ajax. */
  const XMLHttpRequest: new () => unknown;
  export default XMLHttpRequest;
}
