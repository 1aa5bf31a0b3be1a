// GraphiQL (vendored, development only): queries and mutations over HTTP to /graphql.
// Put "Authorization": "Bearer <token>" in the Headers tab to call as someone.
const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", location.href).href });
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true,
    defaultHeaders: '{\n  "Authorization": "Bearer "\n}' }),
);
