import * as React from "react";
import { Slot } from "radix-ui";

import { cn } from "@/lib/utils";
import { Label } from "./label";

/** Props a control needs to be tied to its label, description and error. */
export type FieldControlProps = {
  id: string;
  name: string;
  "aria-describedby": string | undefined;
  "aria-invalid": true | undefined;
  "aria-required": true | undefined;
};

export type FormFieldProps = {
  /** Form field name; also the basis for the ids (`field-<name>`, `field-<name>-error`). */
  name: string;
  label: React.ReactNode;
  description?: React.ReactNode;
  /** Validation message(s); a non-empty value marks the control aria-invalid. */
  error?: string | string[] | null;
  required?: boolean;
  /** Override the derived id when the same field name appears twice on one page. */
  id?: string;
  className?: string;
  /**
   * Either a single control element (it receives id, name and aria-* via Slot; don't give it its
   * own id), or a render function for composite controls such as the Radix Select, where the id
   * belongs on the trigger and the name on the root.
   */
  children: React.ReactElement | ((control: FieldControlProps) => React.ReactNode);
};

/** Ids are derived from the name (not useId) so server-rendered error links and tests can predict them. */
export function fieldIds(name: string, id?: string) {
  const base = id ?? `field-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  return { control: base, description: `${base}-description`, error: `${base}-error` };
}

export function FormField({
  name,
  label,
  description,
  error,
  required,
  id,
  className,
  children,
}: FormFieldProps) {
  const ids = fieldIds(name, id);
  const messages = (Array.isArray(error) ? error : error ? [error] : []).filter(Boolean);
  const invalid = messages.length > 0;
  const describedBy = [description ? ids.description : null, invalid ? ids.error : null].filter(Boolean).join(" ");

  const control: FieldControlProps = {
    id: ids.control,
    name,
    "aria-describedby": describedBy || undefined,
    "aria-invalid": invalid || undefined,
    "aria-required": required || undefined,
  };

  return (
    <div data-slot="form-field" data-invalid={invalid || undefined} className={cn("grid gap-1.5", className)}>
      <Label htmlFor={ids.control}>
        {label}
        {required && (
          <span aria-hidden="true" className="text-destructive">
            *
          </span>
        )}
      </Label>
      {typeof children === "function" ? children(control) : (
        // Slot's typings only know HTMLAttributes; `name` is still forwarded to the child element.
        <Slot.Root {...(control as React.HTMLAttributes<HTMLElement>)}>{children}</Slot.Root>
      )}
      {description && (
        <p id={ids.description} className="text-xs text-muted-foreground">
          {description}
        </p>
      )}
      {invalid && (
        <p id={ids.error} className="text-xs font-medium text-destructive">
          {messages.length === 1 ? messages[0] : messages.join(" ")}
        </p>
      )}
    </div>
  );
}
