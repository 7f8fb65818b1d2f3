import { Badge } from "@/components/ui/badge";
import { CONNECTOR_KIND_LABELS } from "@/lib/domain/connectors/constants";

type Sensitivity = "public" | "internal" | "confidential" | "restricted";
type Access = "read" | "write" | "delete" | "admin";

const SENSITIVITY_VARIANT = { public: "muted", internal: "info", confidential: "warning", restricted: "destructive" } as const;

export function SensitivityBadge({ level }: { level: Sensitivity }) {
  return <Badge variant={SENSITIVITY_VARIANT[level]}>{level}</Badge>;
}

/** Unmanaged (shadow) connectors were first seen in a tool call; nobody registered them. */
export function ManagedBadge({ managed }: { managed: boolean }) {
  return managed ? (
    <Badge variant="success">managed</Badge>
  ) : (
    <Badge variant="warning" title="First seen in a tool call; nobody registered it">
      unmanaged
    </Badge>
  );
}

const ACCESS_VARIANT = { read: "muted", write: "info", delete: "warning", admin: "destructive" } as const;

/** One operation with its access level, e.g. `push · write`. */
export function OperationBadge({ name, access }: { name: string; access: Access }) {
  return (
    <Badge variant={ACCESS_VARIANT[access]} className="font-mono" title={`${name}: ${access} access`}>
      {name}
      <span className="font-sans opacity-70">· {access}</span>
    </Badge>
  );
}

export function connectorKindLabel(kind: string) {
  return CONNECTOR_KIND_LABELS[kind as keyof typeof CONNECTOR_KIND_LABELS] ?? kind;
}
