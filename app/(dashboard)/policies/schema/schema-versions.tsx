"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { api } from "@/lib/client/api";
import type { SchemaVersionRow } from "@/lib/db/queries/authz-schema";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { DiffCounts, DiffView } from "../code-view";
import { ActivateVersion, DiffToggle, VersionCells } from "../version-parts";
import { ChangeWarnings } from "../[id]/policy-actions";

/**
 * Every saved schema version, newest first: its namespaces, a diff against the one in force, and
 * (admins) activation behind a reason, or loading it into the editor.
 */
export function SchemaVersions({
  versions,
  active,
  canManage,
  onOpen,
}: {
  versions: SchemaVersionRow[];
  active: SchemaVersionRow | null;
  canManage: boolean;
  onOpen?: (text: string) => void;
}) {
  const router = useRouter();
  const [compare, setCompare] = React.useState<number | null>(null);
  const [warnings, setWarnings] = React.useState<string[]>([]);
  const shown = versions.find((v) => v.version === compare);

  async function activate(version: number, reason: string) {
    const out = await api<{ warnings: string[] }>(`/api/v1/authz/schema/versions/${version}/activate`, { body: { reason } });
    setWarnings(out.warnings ?? []);
    setCompare(null);
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Version history</CardTitle>
        <CardDescription>A saved version does nothing until it is activated. Activating an older one is a rollback, checked like any other.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        <ChangeWarnings warnings={warnings} />
        {versions.length === 0 ? (
          <p className="text-sm text-muted-foreground">No version saved yet.</p>
        ) : (
          <div className="rounded-md border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Version</TableHead>
                  <TableHead>Namespaces</TableHead>
                  <TableHead>Comment</TableHead>
                  <TableHead>By</TableHead>
                  <TableHead>Saved</TableHead>
                  <TableHead>Change vs in force</TableHead>
                  <TableHead className="sr-only">Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {versions.map((v) => {
                  const isActive = v.active;
                  const diff = !isActive ? summarizeDiff(active?.cedar ?? "", v.cedar) : null;
                  return (
                    <TableRow key={v.id} data-state={compare === v.version ? "selected" : undefined}>
                      <TableCell className="tabular-nums">
                        v{v.version} {isActive ? <Badge variant="success">in force</Badge> : null}
                      </TableCell>
                      <TableCell>
                        {v.namespaces.length ? (
                          <span className="flex flex-wrap gap-1">
                            {v.namespaces.map((n) => (
                              <Badge key={n} variant="outline" className="font-mono">
                                {n}
                              </Badge>
                            ))}
                          </span>
                        ) : (
                          <span className="text-muted-foreground">none</span>
                        )}
                      </TableCell>
                      <VersionCells comment={v.comment} createdByName={v.createdByName} createdAt={v.createdAt} commentWidth="max-w-[18rem]" />
                      <TableCell className="text-xs tabular-nums">
                        <DiffCounts diff={diff} />
                      </TableCell>
                      <TableCell className="text-right">
                        <div className="flex justify-end gap-1">
                          {!isActive ? (
                            <DiffToggle version={v.version} compare={compare} setCompare={setCompare} />
                          ) : null}
                          {onOpen ? (
                            <Button variant="ghost" size="sm" onClick={() => onOpen(v.cedar)}>
                              Open in editor<span className="sr-only"> (v{v.version})</span>
                            </Button>
                          ) : null}
                          {canManage && !isActive ? (
                            <ActivateVersion
                              version={v.version}
                              title={`Activate schema v${v.version}?`}
                              description={
                                <>
                                  It replaces {active ? `v${active.version}` : "no schema"} at once
                                  {diff ? ` (+${diff.added} −${diff.removed} lines)` : ""}. It is refused if a general policy would no longer validate, or
                                  a removed namespace still holds policies.
                                </>
                              }
                              onConfirm={(reason) => activate(v.version, reason)}
                            />
                          ) : null}
                        </div>
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        )}
        {shown ? (
          <div className="space-y-2">
            <h3 className="text-sm font-medium">{active ? `From v${active.version} (in force) to v${shown.version}` : `v${shown.version} against no schema`}</h3>
            <DiffView before={active?.cedar ?? ""} after={shown.cedar} label={`Line diff to schema v${shown.version}`} />
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
