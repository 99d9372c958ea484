/** A message after an action: an error (read out at once) or news (read out politely). */
export interface Message {
  readonly kind: "ok" | "error";
  readonly text: string;
}

export function Notice({ message }: { message: Message | null }) {
  if (!message) return null;
  return (
    <p className={`notice ${message.kind}`} role={message.kind === "error" ? "alert" : "status"}>
      {message.text}
    </p>
  );
}
