import { redirect } from 'next/navigation';

/** A team's home is its monitors list (the page people open most); /t/:teamId alone was a 404. */
export default async function TeamHome({ params }: { params: Promise<{ teamId: string }> }) {
  const { teamId } = await params;
  redirect(`/t/${encodeURIComponent(teamId)}/monitors`);
}
