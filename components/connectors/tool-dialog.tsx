"use client";

import { Plus, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { FormError } from "@/components/form-parts";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import { SENSITIVITY_LEVELS, TOOL_ACCESS } from "@/lib/domain/connectors/constants";
import { capitalize } from "@/lib/utils";

type Access = (typeof TOOL_ACCESS)[number];
export type ToolValues = {
  id: string;
  name: string;
  description: string;
  operations: { name: string; access: Access }[];
  sensitivity: (typeof SENSITIVITY_LEVELS)[number] | null;
};

/** Add a tool (no `tool`) or edit one: description, operations with their access, sensitivity. */
export function ToolDialog({ connectorId, connectorName, tool }: { connectorId: string; connectorName: string; tool?: ToolValues }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [ops, setOps] = useState<{ key: number; name: string; access: Access }[]>([]);
  const { pending, fields: errors, error, submit, reset } = useApiForm({ fallback: "Could not save the tool." });
  const [nextKey, setNextKey] = useState(0);

  function onOpenChange(next: boolean) {
    if (pending) return;
    setOpen(next);
    if (next) {
      const initial = tool?.operations.length ? tool.operations : [{ name: "", access: "read" as Access }];
      setOps(initial.map((o, i) => ({ key: i, ...o })));
      setNextKey(initial.length);
      reset();
    }
  }

  function addOp() {
    setOps((o) => [...o, { key: nextKey, name: "", access: "read" }]);
    setNextKey((k) => k + 1);
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body: Record<string, unknown> = {
      description: String(f.get("description") ?? "").trim(),
      sensitivity: String(f.get("sensitivity") ?? "") || null,
      operations: ops.map((o) => ({ name: o.name.trim(), access: o.access })),
    };
    if (!tool) body.name = String(f.get("name") ?? "").trim();
    await submit(async () => {
      await api(tool ? `/api/v1/connectors/${connectorId}/tools/${tool.id}` : `/api/v1/connectors/${connectorId}/tools`, {
        method: tool ? "PATCH" : "POST",
        body,
      });
      setOpen(false);
      router.refresh();
    });
  }

  const opsError = errors.operations;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        {tool ? (
          <Button variant="ghost" size="sm" aria-label={`Edit tool ${tool.name}`}>
            Edit
          </Button>
        ) : (
          <Button size="sm">
            <Plus aria-hidden="true" />
            Add tool
          </Button>
        )}
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{tool ? `Edit ${connectorName}:${tool.name}` : `Add a tool to ${connectorName}`}</DialogTitle>
          <DialogDescription>
            Action patterns name operations as <span className="font-mono">{connectorName}:tool.operation</span>.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-3" noValidate aria-busy={pending || undefined}>
          <FormError message={error} />
          <div className="grid gap-3 sm:grid-cols-2">
            {tool ? (
              <div className="grid gap-1.5 text-sm">
                <span className="font-medium">Name</span>
                <span className="font-mono">{tool.name}</span>
              </div>
            ) : (
              <FormField name="name" id="tool-name" label="Name" required error={errors.name} description="e.g. issues, repo, contacts">
                <Input className="font-mono" autoComplete="off" spellCheck={false} />
              </FormField>
            )}
            <FormField name="sensitivity" id="tool-sensitivity" label="Sensitivity" error={errors.sensitivity}>
              <NativeSelect defaultValue={tool?.sensitivity ?? ""}>
                <option value="">Same as the connector</option>
                {SENSITIVITY_LEVELS.map((s) => (
                  <option key={s} value={s}>
                    {capitalize(s)}
                  </option>
                ))}
              </NativeSelect>
            </FormField>
          </div>
          <FormField name="description" id="tool-description" label="Description" error={errors.description}>
            <Textarea rows={2} defaultValue={tool?.description} />
          </FormField>
          <fieldset className="grid gap-2" aria-describedby={opsError ? "tool-ops-error" : undefined}>
            <legend className="mb-1 text-sm font-medium">
              Operations<span aria-hidden="true" className="text-destructive">*</span>
            </legend>
            {ops.map((op, i) => {
              const nameErr = errors[`operations.${i}.name`];
              const accessErr = errors[`operations.${i}.access`];
              return (
                <div key={op.key} className="grid grid-cols-[1fr_8rem_auto] items-start gap-2">
                  <div className="grid gap-1">
                    <label htmlFor={`op-name-${op.key}`} className="sr-only">
                      Operation {i + 1} name
                    </label>
                    <Input
                      id={`op-name-${op.key}`}
                      className="font-mono"
                      placeholder="read"
                      value={op.name}
                      autoComplete="off"
                      spellCheck={false}
                      aria-invalid={nameErr ? true : undefined}
                      aria-describedby={nameErr ? `op-name-${op.key}-error` : undefined}
                      onChange={(e) => setOps((all) => all.map((o) => (o.key === op.key ? { ...o, name: e.target.value } : o)))}
                    />
                    {nameErr ? (
                      <p id={`op-name-${op.key}-error`} className="text-xs font-medium text-destructive">
                        {nameErr}
                      </p>
                    ) : null}
                  </div>
                  <div className="grid gap-1">
                    <label htmlFor={`op-access-${op.key}`} className="sr-only">
                      Operation {i + 1} access
                    </label>
                    <NativeSelect
                      id={`op-access-${op.key}`}
                      value={op.access}
                      aria-invalid={accessErr ? true : undefined}
                      onChange={(e) => setOps((all) => all.map((o) => (o.key === op.key ? { ...o, access: e.target.value as Access } : o)))}
                    >
                      {TOOL_ACCESS.map((a) => (
                        <option key={a} value={a}>
                          {a}
                        </option>
                      ))}
                    </NativeSelect>
                  </div>
                  <Button
                    variant="ghost"
                    size="icon"
                    aria-label={`Remove operation ${op.name || i + 1}`}
                    disabled={ops.length === 1}
                    onClick={() => setOps((all) => all.filter((o) => o.key !== op.key))}
                  >
                    <X aria-hidden="true" />
                  </Button>
                </div>
              );
            })}
            {opsError ? (
              <p id="tool-ops-error" className="text-xs font-medium text-destructive">
                {opsError}
              </p>
            ) : null}
            <div>
              <Button variant="outline" size="sm" onClick={addOp}>
                <Plus aria-hidden="true" />
                Add operation
              </Button>
            </div>
          </fieldset>
          <DialogFooter>
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : tool ? "Save tool" : "Add tool"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** Removing a tool is recorded with a reason; patterns that named it stop matching anything. */
export function RemoveToolButton({ connectorId, connectorName, toolId, toolName }: { connectorId: string; connectorName: string; toolId: string; toolName: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      title={`Remove ${connectorName}:${toolName}?`}
      description="Its operations are no longer listed for this connector. Policies and envelopes that name it are not changed."
      confirmLabel="Remove tool"
      trigger={
        <Button variant="ghost" size="sm" className="text-destructive" aria-label={`Remove tool ${toolName}`}>
          Remove
        </Button>
      }
      onConfirm={async (reason) => {
        await api(`/api/v1/connectors/${connectorId}/tools/${toolId}`, { method: "DELETE", body: { reason } });
        router.refresh();
      }}
    />
  );
}
