export * from "./enums";
export * from "./people";
export * from "./agents";
export * from "./connectors";
export * from "./credentials";
export * from "./sessions";
export * from "./decisions";
export * from "./governance";
