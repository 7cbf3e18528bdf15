//! Reads that arrive together share one round trip to Redis.
//!
//! Every protected request asks Redis whether its token is revoked. Sent one by one, each
//! check is a write, a read and a wake-up on both sides of the socket, and Redis (on the
//! same cores in a small deployment) spends more on those than on the lookup itself. So
//! the first check to arrive leads a batch: it yields once, letting the requests that
//! are ready to run add their checks, then sends them all as one pipeline and hands each
//! its answer. When a single request is in flight the batch holds just its own check,
//! and the only cost is that one yield.
//!
//! A follower never depends on its leader finishing: if the leader's request is dropped
//! (the client went away, the deadline passed), the followers' answers are dropped with
//! it and each follower asks Redis on its own.

use std::future::Future;
use std::sync::Mutex;

use tokio::sync::oneshot;

use crate::store::StoreError;

/// Most checks in one batch; later arrivals go alone rather than make one pipeline huge.
const MAX_BATCH: usize = 64;

type Answer<A> = Result<A, StoreError>;

/// A check waiting for its leader.
struct Follower<Q, A> {
    query: Q,
    answer: oneshot::Sender<Answer<A>>,
}

/// The batch being gathered, if a leader is gathering one.
pub struct Combiner<Q, A> {
    open: Mutex<Option<Vec<Follower<Q, A>>>>,
}

impl<Q, A> Default for Combiner<Q, A> {
    fn default() -> Self {
        Combiner { open: Mutex::new(None) }
    }
}

/// What one check does: join the open batch, lead a new one, or (batch full) go alone.
enum Role<A> {
    Follow(oneshot::Receiver<Answer<A>>),
    Lead,
    Alone,
}

impl<Q, A> Combiner<Q, A> {
    /// The answer to the query `make_query` builds, fetched together with the queries
    /// arriving meanwhile. `fetch` answers a batch: one answer per query, in order.
    pub async fn run<F, Fut>(&self, make_query: impl Fn() -> Q, fetch: F) -> Answer<A>
    where
        F: Fn(Vec<Q>) -> Fut,
        Fut: Future<Output = Answer<Vec<A>>>,
    {
        let role = {
            let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match open.as_mut() {
                Some(followers) if followers.len() < MAX_BATCH => {
                    let (answer, receiver) = oneshot::channel();
                    followers.push(Follower {
                        query: make_query(),
                        answer,
                    });
                    Role::Follow(receiver)
                }
                Some(_) => Role::Alone,
                None => {
                    *open = Some(Vec::new());
                    Role::Lead
                }
            }
        };
        match role {
            Role::Follow(receiver) => match receiver.await {
                Ok(answer) => answer,
                // The leader was dropped before answering.
                Err(_) => single(make_query(), &fetch).await,
            },
            Role::Alone => single(make_query(), &fetch).await,
            Role::Lead => self.lead(make_query(), &fetch).await,
        }
    }

    async fn lead<F, Fut>(&self, query: Q, fetch: &F) -> Answer<A>
    where
        F: Fn(Vec<Q>) -> Fut,
        Fut: Future<Output = Answer<Vec<A>>>,
    {
        // Closes the batch even if this request is dropped while yielding, so that no
        // later check joins a batch nobody will send.
        let mut gathering = Gathering {
            combiner: self,
            closed: false,
        };
        tokio::task::yield_now().await;
        let followers = gathering.close();
        let mut queries = Vec::with_capacity(followers.len() + 1);
        queries.push(query);
        let mut senders = Vec::with_capacity(followers.len());
        for follower in followers {
            queries.push(follower.query);
            senders.push(follower.answer);
        }
        let count = queries.len();
        match fetch(queries).await {
            Ok(answers) if answers.len() == count => {
                let mut answers = answers.into_iter();
                let own = answers.next();
                for (sender, answer) in senders.into_iter().zip(answers) {
                    let _ = sender.send(Ok(answer));
                }
                own.ok_or_else(|| StoreError::Unavailable("redis: empty batch answer".into()))
            }
            Ok(answers) => {
                let error = format!("redis: {} answers to {count} checks", answers.len());
                for sender in senders {
                    let _ = sender.send(Err(StoreError::Unavailable(error.clone())));
                }
                Err(StoreError::Unavailable(error))
            }
            Err(error) => {
                for sender in senders {
                    let _ = sender.send(Err(error.clone()));
                }
                Err(error)
            }
        }
    }
}

async fn single<Q, A, F, Fut>(query: Q, fetch: &F) -> Answer<A>
where
    F: Fn(Vec<Q>) -> Fut,
    Fut: Future<Output = Answer<Vec<A>>>,
{
    fetch(vec![query])
        .await?
        .pop()
        .ok_or_else(|| StoreError::Unavailable("redis: empty answer".into()))
}

/// The leader's hold on the open batch until it takes the followers out.
struct Gathering<'c, Q, A> {
    combiner: &'c Combiner<Q, A>,
    closed: bool,
}

impl<Q, A> Gathering<'_, Q, A> {
    fn close(&mut self) -> Vec<Follower<Q, A>> {
        self.closed = true;
        take(self.combiner)
    }
}

impl<Q, A> Drop for Gathering<'_, Q, A> {
    fn drop(&mut self) {
        if !self.closed {
            // Dropping the followers' senders sends them to ask on their own.
            drop(take(self.combiner));
        }
    }
}

fn take<Q, A>(combiner: &Combiner<Q, A>) -> Vec<Follower<Q, A>> {
    combiner
        .open
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::pin::pin;
    use std::sync::{Arc, Mutex as StdMutex};
    use std::task::Poll;

    use super::*;

    /// A fake Redis answering each query with its double, recording the batch sizes.
    #[derive(Clone, Default)]
    struct Fetcher {
        batches: Arc<StdMutex<Vec<usize>>>,
        fail: bool,
    }

    impl Fetcher {
        async fn fetch(&self, queries: Vec<u32>) -> Answer<Vec<u32>> {
            self.batches.lock().unwrap().push(queries.len());
            if self.fail {
                return Err(StoreError::Unavailable("redis: down".into()));
            }
            Ok(queries.into_iter().map(|q| q * 2).collect())
        }

        fn batches(&self) -> Vec<usize> {
            self.batches.lock().unwrap().clone()
        }
    }

    async fn check(combiner: Arc<Combiner<u32, u32>>, fetcher: Fetcher, query: u32) -> Answer<u32> {
        combiner.run(|| query, |batch| fetcher.fetch(batch)).await
    }

    /// Spawns `n` checks at once on the current-thread runtime and collects their answers.
    async fn together(combiner: &Arc<Combiner<u32, u32>>, fetcher: &Fetcher, n: u32) -> Vec<Answer<u32>> {
        let handles: Vec<_> = (0..n)
            .map(|query| tokio::spawn(check(combiner.clone(), fetcher.clone(), query)))
            .collect();
        let mut answers = Vec::new();
        for handle in handles {
            answers.push(handle.await.unwrap());
        }
        answers
    }

    #[tokio::test]
    async fn checks_arriving_together_share_one_fetch_and_get_their_own_answers() {
        let (combiner, fetcher) = (Arc::new(Combiner::default()), Fetcher::default());
        let answers = together(&combiner, &fetcher, 10).await;
        assert_eq!(fetcher.batches(), vec![10]);
        for (query, answer) in answers.into_iter().enumerate() {
            assert_eq!(answer.unwrap(), query as u32 * 2);
        }
        // The batch is closed: the next check leads its own.
        assert_eq!(check(combiner, fetcher.clone(), 7).await.unwrap(), 14);
        assert_eq!(fetcher.batches(), vec![10, 1]);
    }

    #[tokio::test]
    async fn a_full_batch_leaves_later_checks_to_go_alone() {
        let (combiner, fetcher) = (Arc::new(Combiner::default()), Fetcher::default());
        let n = MAX_BATCH as u32 + 3;
        let answers = together(&combiner, &fetcher, n).await;
        let mut batches = fetcher.batches();
        batches.sort_unstable();
        // The leader, MAX_BATCH followers, and two checks on their own.
        assert_eq!(batches, vec![1, 1, MAX_BATCH + 1]);
        for (query, answer) in answers.into_iter().enumerate() {
            assert_eq!(answer.unwrap(), query as u32 * 2);
        }
    }

    #[tokio::test]
    async fn a_failed_fetch_fails_every_check_of_the_batch() {
        let combiner = Arc::new(Combiner::default());
        let fetcher = Fetcher {
            fail: true,
            ..Default::default()
        };
        let answers = together(&combiner, &fetcher, 5).await;
        assert_eq!(fetcher.batches(), vec![5]);
        assert!(
            answers
                .iter()
                .all(|a| matches!(a, Err(StoreError::Unavailable(m)) if m.contains("down")))
        );
    }

    #[tokio::test]
    async fn followers_of_a_dropped_leader_ask_on_their_own() {
        let (combiner, fetcher) = (Arc::new(Combiner::default()), Fetcher::default());
        let mut leader = Box::pin(check(combiner.clone(), fetcher.clone(), 1));
        // The leader opens the batch and yields.
        assert!(poll_fn(|cx| Poll::Ready(leader.as_mut().poll(cx).is_pending())).await);
        let mut follower = pin!(check(combiner.clone(), fetcher.clone(), 2));
        assert!(poll_fn(|cx| Poll::Ready(follower.as_mut().poll(cx).is_pending())).await);
        drop(leader);
        // Bounded so that a follower left waiting fails the test instead of hanging it.
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), follower).await;
        assert_eq!(answer.expect("the follower was left waiting").unwrap(), 4);
        assert_eq!(fetcher.batches(), vec![1], "only the follower's own fetch ran");
        // Nothing is left open: the next check leads.
        assert_eq!(check(combiner, fetcher.clone(), 3).await.unwrap(), 6);
        assert_eq!(fetcher.batches(), vec![1, 1]);
    }
}
